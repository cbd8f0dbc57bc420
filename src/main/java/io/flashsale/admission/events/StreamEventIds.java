package io.flashsale.admission.events;

import io.flashsale.shared.OrderStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ids of the events of the streams (docs/adr/0050), which a reconnecting client sends back in
 * {@code Last-Event-ID}: an order's status, or {@code itemId:units,...} for the items of a stock
 * stream. Each names the state the client has, so a reconnect is sent only what differs.
 */
final class StreamEventIds {

    /** Units of an item the stream has not sent yet. */
    static final long UNSEEN = Long.MIN_VALUE;
    /** Units of an item the gate does not hold (not warmed up, being restored): {@code -} in an id. */
    static final long NONE = Long.MIN_VALUE + 1;

    private StreamEventIds() {}

    /**
     * Where a status comes in an order's life; a stream sends a status only after one that comes
     * earlier. PENDING, then CONFIRMED (a hold, with a payment window), then one of the final ones:
     * PAID or CANCELLED after CONFIRMED, FAILED or EXPIRED instead of it; an order has one of them
     * at most. Statuses this does not know come last (a final status added later).
     */
    static int rank(String status) {
        return switch (status) {
            case "PENDING" -> 0;
            case "CONFIRMED" -> 1;
            default -> 2;
        };
    }

    /** The rank of the status a client says it has; an id that is no status counts as nothing seen. */
    static int rankOf(String eventId) {
        return Arrays.stream(OrderStatus.values())
                        .anyMatch(status -> status.name().equals(eventId))
                ? rank(eventId)
                : -1;
    }

    /** {@code itemId:units} for each item sent so far, {@code -} for {@link #NONE}. */
    static String stockId(Map<Long, Long> units) {
        return units.entrySet().stream()
                .filter(entry -> entry.getValue() != UNSEEN)
                .map(entry -> entry.getKey() + ":" + (entry.getValue() == NONE ? "-" : entry.getValue()))
                .collect(Collectors.joining(","));
    }

    /** The units a client says it has, per item; pairs this service cannot have written are left out. */
    static Map<Long, Long> unitsOf(String eventId) {
        Map<Long, Long> units = new HashMap<>();
        for (String pair : eventId.split(",", 101)) {
            String[] parts = pair.split(":", 2);
            try {
                if (parts.length == 2) {
                    units.put(Long.parseLong(parts[0]), parts[1].equals("-") ? NONE : Long.parseLong(parts[1]));
                }
            } catch (NumberFormatException e) {
                // not a pair: as if not seen
            }
        }
        return units;
    }
}
