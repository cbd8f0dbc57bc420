package io.flashsale.admission.gate;

import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/** A reservation taken by reserve.lua and not yet confirmed or released. */
public record PendingReservation(UUID orderId, long itemId, String userId, int quantity, Instant deadline) {

    /**
     * Reads an entry of the item's pending hash as reserve.lua writes it: {@code buyer|units|deadline}
     * (epoch milliseconds). The buyer may contain {@code |} itself, so it is read from the right.
     */
    static PendingReservation parse(UUID orderId, long itemId, String entry) {
        String[] parts = entry.split("\\|");
        int last = parts.length - 1;
        String userId = String.join("|", Arrays.copyOf(parts, last - 1));
        return new PendingReservation(
                orderId,
                itemId,
                userId,
                Integer.parseInt(parts[last - 1]),
                Instant.ofEpochMilli(Long.parseLong(parts[last])));
    }
}
