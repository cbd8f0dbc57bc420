package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.shared.OrderStatus;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The value an order's status is cached under in Redis, without Redis. */
class OrderStatusEncodingTest {

    final UUID orderId = UUID.randomUUID();

    @Test
    void aPendingOrderIsItemQuantityStatusAnEmptyReasonAndTheBuyer() {
        var pending = new OrderView(orderId, 7, "alice", 2, OrderStatus.PENDING, null);
        assertThat(OrderStatusCache.encode(pending)).isEqualTo("7|2|PENDING||alice");
        assertThat(OrderStatusCache.decode(orderId, "7|2|PENDING||alice")).isEqualTo(pending);
    }

    @Test
    void aFailedOrderKeepsItsReason() {
        var failed = new OrderView(orderId, 7, "alice", 1, OrderStatus.FAILED, "SOLD_OUT");
        assertThat(OrderStatusCache.encode(failed)).isEqualTo("7|1|FAILED|SOLD_OUT|alice");
        assertThat(OrderStatusCache.decode(orderId, OrderStatusCache.encode(failed)))
                .isEqualTo(failed);
    }

    @Test
    void aBuyerWithTheSeparatorInTheirIdReadsBackWhole() {
        var order = new OrderView(orderId, 3, "tenant|alice|x", 1, OrderStatus.CONFIRMED, null);
        assertThat(OrderStatusCache.decode(orderId, OrderStatusCache.encode(order)))
                .isEqualTo(order);
    }
}
