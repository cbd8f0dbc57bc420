package io.flashsale.standby;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.UUID;

/**
 * A standing order as its buyer sees it: {@code position} (1 = next to be served) while WAITING,
 * {@code orderId} once SERVED.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Standing(
        UUID standbyId, long itemId, String userId, int quantity, String status, Integer position, UUID orderId) {

    static final String WAITING = "WAITING";
    static final String SERVED = "SERVED";
    static final String WITHDRAWN = "WITHDRAWN";
}
