package io.flashsale.admission;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.time.Instant;
import java.util.UUID;
import org.springframework.modulith.NamedInterface;

/** An order as its buyer sees it; {@code payBy} only while it is CONFIRMED within a payment window. */
@NamedInterface("buyer")
public record OrderView(
        UUID orderId,
        long itemId,
        String userId,
        int quantity,
        OrderStatus status,
        String reason,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant payBy) {

    OrderView(UUID orderId, long itemId, String userId, int quantity, OrderStatus status, String reason) {
        this(orderId, itemId, userId, quantity, status, reason, null);
    }

    static OrderView pending(OrderRequested order) {
        return new OrderView(
                order.orderId(), order.itemId(), order.userId(), order.quantity(), OrderStatus.PENDING, null);
    }

    public static OrderView of(SettledOrder order) {
        return new OrderView(
                order.orderId(),
                order.itemId(),
                order.userId(),
                order.quantity(),
                order.status(),
                order.reason() == null ? null : order.reason().name(),
                order.status() == OrderStatus.CONFIRMED ? order.payBy() : null);
    }
}
