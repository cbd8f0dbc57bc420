package io.flashsale.orders;

import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.time.Instant;
import java.util.UUID;

/** An order's row in PostgreSQL: its terminal status and, unless confirmed, why. */
public record SettledOrder(UUID orderId, long itemId, String userId, int quantity, OrderStatus status,
                           FailureReason reason, Instant requestedAt) {

    public static SettledOrder confirmed(OrderRequested order) {
        return of(order, OrderStatus.CONFIRMED, null);
    }

    public static SettledOrder failed(OrderRequested order, FailureReason reason) {
        return of(order, OrderStatus.FAILED, reason);
    }

    public static SettledOrder expired(OrderRequested order) {
        return of(order, OrderStatus.EXPIRED, FailureReason.RESERVATION_EXPIRED);
    }

    private static SettledOrder of(OrderRequested order, OrderStatus status, FailureReason reason) {
        return new SettledOrder(order.orderId(), order.itemId(), order.userId(), order.quantity(), status, reason,
                order.requestedAt());
    }

    public boolean isConfirmed() {
        return status == OrderStatus.CONFIRMED;
    }
}
