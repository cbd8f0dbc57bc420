package io.flashsale.orders;

import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * An order's row in PostgreSQL: its status and, unless it holds units, why. {@code payBy} is the
 * end of a CONFIRMED order's payment window, as PostgreSQL wrote it (null when there is no window,
 * and in what a worker decides before its insert).
 */
public record SettledOrder(
        UUID orderId,
        long itemId,
        String userId,
        int quantity,
        OrderStatus status,
        FailureReason reason,
        Instant requestedAt,
        Instant payBy) {

    public SettledOrder(
            UUID orderId,
            long itemId,
            String userId,
            int quantity,
            OrderStatus status,
            FailureReason reason,
            Instant requestedAt) {
        this(orderId, itemId, userId, quantity, status, reason, requestedAt, null);
    }

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
        return new SettledOrder(
                order.orderId(), order.itemId(), order.userId(), order.quantity(), status, reason, order.requestedAt());
    }

    public boolean isConfirmed() {
        return status == OrderStatus.CONFIRMED;
    }

    /** CONFIRMED or PAID: its units are sold (counted in the gate's confirmed set). */
    public boolean holdsUnits() {
        return status.holdsUnits();
    }
}
