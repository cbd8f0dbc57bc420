package io.flashsale.admission;

import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Puts an admitted order on the queue: publish, wait for the broker's confirm, withdraw without one. */
@Component
class OrderQueueing {

    private static final Logger log = LoggerFactory.getLogger(OrderQueueing.class);

    private final OrderRequestedPublisher publisher;
    private final OrderWithdrawal withdrawal;

    OrderQueueing(OrderRequestedPublisher publisher, OrderWithdrawal withdrawal) {
        this.publisher = publisher;
        this.withdrawal = withdrawal;
    }

    /** Publishes and waits for the broker's confirm; without one, the order row decides ({@link OrderWithdrawal}). */
    OrderAccepted queue(OrderRequested order, Optional<String> idempotencyKey) {
        if (publisher.publish(order) != OrderRequestedPublisher.Outcome.CONFIRMED) {
            return withdrawal.withdraw(order, idempotencyKey);
        }
        log.atInfo()
                .addKeyValue("orderId", order.orderId().toString())
                .addKeyValue("itemId", order.itemId())
                .log("Order {} for item {} admitted and queued", order.orderId(), order.itemId());
        return new OrderAccepted(order.orderId(), OrderStatus.PENDING);
    }

    /**
     * Queues a replayed PENDING order again, which settlement makes harmless. Without a confirm
     * nothing is decided here, as the first message may be queued.
     */
    OrderAccepted queueAgain(OrderRequested order) {
        if (publisher.publish(order) != OrderRequestedPublisher.Outcome.CONFIRMED) {
            throw OrderWithdrawal.outcomeNotKnownYet(order);
        }
        return new OrderAccepted(order.orderId(), OrderStatus.PENDING);
    }
}
