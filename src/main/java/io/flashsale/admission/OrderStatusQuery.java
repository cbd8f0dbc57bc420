package io.flashsale.admission;

import io.flashsale.settlement.OrderBook;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Redis first (every PENDING order is there), PostgreSQL for what the cache no longer holds. */
@Component
class OrderStatusQuery {

    private final OrderStatusCache statuses;
    private final OrderBook orderBook;

    OrderStatusQuery(OrderStatusCache statuses, OrderBook orderBook) {
        this.statuses = statuses;
        this.orderBook = orderBook;
    }

    Optional<OrderView> find(UUID orderId) {
        return statuses.find(orderId).or(() -> orderBook.find(orderId).map(OrderView::of));
    }
}
