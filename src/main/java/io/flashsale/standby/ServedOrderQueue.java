package io.flashsale.standby;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.shared.OrderRequested;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Queues the orders of served standing orders as purchases are queued, and records the broker's
 * confirm in {@code queued_at}; until then the reconciler's leader queues them again (settlement
 * decides an order once).
 */
@Component
class ServedOrderQueue {

    private static final Logger log = LoggerFactory.getLogger(ServedOrderQueue.class);

    private final StandbyServings servings;
    private final GateReturns gate;
    private final Clock clock;

    ServedOrderQueue(StandbyServings servings, GateReturns gate, Clock clock) {
        this.servings = servings;
        this.gate = gate;
        this.clock = clock;
    }

    /** Queues again the orders served longer ago than {@code grace} whose publish was not confirmed. */
    void requeueUnconfirmed(Duration grace) {
        Map<UUID, OrderRequested> unqueued = new HashMap<>();
        for (StandbyServings.Unqueued served : servings.unqueued(grace, 1_000)) {
            unqueued.put(
                    served.standbyId(),
                    new OrderRequested(
                            served.orderId(),
                            served.itemId(),
                            served.userId(),
                            served.quantity(),
                            requestedAt(served.deadline()),
                            served.deadline()));
        }
        queueAll(unqueued);
    }

    /** Publishes side by side: the publisher sends what piles up as one burst and each waits for its own confirm. */
    void queueAll(Map<UUID, OrderRequested> orders) {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            orders.forEach((standbyId, order) -> executor.submit(() -> queue(standbyId, order)));
        }
    }

    /** When the served order counts as requested: its reservation's start, or now if it has none. */
    Instant requestedAt(Instant deadline) {
        return deadline == null ? clock.instant() : deadline.minus(gate.reservationTtl());
    }

    private void queue(UUID standbyId, OrderRequested order) {
        try {
            if (order.deadline() == null || gate.queue(order)) {
                servings.markQueued(standbyId);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not queue order {} of a standing order; the reconciler will: {}",
                    order.orderId(),
                    e.toString());
        }
    }
}
