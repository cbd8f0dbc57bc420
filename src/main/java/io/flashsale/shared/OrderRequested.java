package io.flashsale.shared;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.UUID;

/**
 * An admitted purchase on its way from the API to a worker. The deadline is the end of the Redis
 * reservation (reserve mode); past it the order is never confirmed. It is null in check-only mode,
 * where nothing is reserved and so nothing can expire. A message may carry fields this version
 * does not know (one written by a newer api during a rolling upgrade): they are ignored, unlike
 * unknown fields of a request body.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OrderRequested(
        UUID orderId, long itemId, String userId, int quantity, Instant requestedAt, Instant deadline) {

    /** What a message must carry to become an order row; anything else is dead-lettered. */
    public boolean isWellFormed() {
        return orderId != null
                && userId != null
                && !userId.isBlank()
                && userId.length() <= 64
                && quantity >= 1
                && requestedAt != null;
    }

    public boolean isPastDeadline(Instant now) {
        return deadline != null && !now.isBefore(deadline);
    }
}
