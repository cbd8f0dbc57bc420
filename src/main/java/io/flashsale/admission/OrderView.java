package io.flashsale.admission;

import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.util.UUID;

/** An order as its buyer sees it. */
public record OrderView(UUID orderId, long itemId, String userId, int quantity, OrderStatus status, String reason) {

    static OrderView pending(OrderRequested order) {
        return new OrderView(order.orderId(), order.itemId(), order.userId(), order.quantity(), OrderStatus.PENDING, null);
    }

    static OrderView of(SettledOrder order) {
        return new OrderView(order.orderId(), order.itemId(), order.userId(), order.quantity(), order.status(),
                order.reason() == null ? null : order.reason().name());
    }
}
