package io.flashsale.admission;

import io.flashsale.admission.gate.IdempotencyKeys;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.FailureReason;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.OrderRequested;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The fate of an admitted order whose message RabbitMQ did not confirm. A missing confirm does not
 * mean a missing message (the confirm may be late, or lost with the channel), so the order row
 * decides, first writer wins: the API writes FAILED. If that insert wins, no worker will ever
 * confirm the order, the reservation goes back and the buyer hears 503, nothing bought. If it
 * loses, a worker (or the reconciler) decided first, and the buyer hears that decision with a 202.
 * If PostgreSQL cannot be asked, nothing is decided: the buyer hears 503 naming the order, whose
 * reservation stays until it is settled or expired, and a retry with the same Idempotency-Key
 * replays it.
 */
@Component
class OrderWithdrawal {

    private static final Logger log = LoggerFactory.getLogger(OrderWithdrawal.class);

    private final OrderBook orderBook;
    private final RedisGate gate;
    private final IdempotencyKeys idempotencyKeys;
    private final OrderStatusCache statusCache;
    private final AdmissionMetrics metrics;
    private final OrderMetrics orderMetrics;

    OrderWithdrawal(
            OrderBook orderBook,
            RedisGate gate,
            IdempotencyKeys idempotencyKeys,
            OrderStatusCache statusCache,
            AdmissionMetrics metrics,
            OrderMetrics orderMetrics) {
        this.orderBook = orderBook;
        this.gate = gate;
        this.idempotencyKeys = idempotencyKeys;
        this.statusCache = statusCache;
        this.metrics = metrics;
        this.orderMetrics = orderMetrics;
    }

    /**
     * @return the order as another writer decided it (the buyer is answered 202 with it)
     * @throws ApiException UNAVAILABLE when nothing was bought, or when the outcome is not known yet
     *                      (then the body carries the {@code orderId})
     */
    OrderAccepted withdraw(OrderRequested order, Optional<String> idempotencyKey) {
        SettledOrder withdrawn = SettledOrder.failed(order, FailureReason.PUBLISH_UNCONFIRMED);
        boolean decidedHere;
        try {
            decidedHere = orderBook.insertIfAbsent(withdrawn);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("orderId", order.orderId().toString())
                    .addKeyValue("itemId", order.itemId())
                    .log("Order {} is unconfirmed and cannot be decided now: {}", order.orderId(), e.toString());
            throw outcomeNotKnownYet(order);
        }
        if (!decidedHere) {
            SettledOrder decided = decidedElsewhere(order);
            log.atInfo()
                    .addKeyValue("orderId", order.orderId().toString())
                    .addKeyValue("itemId", order.itemId())
                    .log("Order {} was unconfirmed but already settled as {}", order.orderId(), decided.status());
            return new OrderAccepted(order.orderId(), decided.status());
        }
        orderMetrics.settled(OrderMetrics.Settler.API, List.of(withdrawn));
        giveBack(order, withdrawn, idempotencyKey);
        throw new ApiException(
                ErrorCode.UNAVAILABLE, "The order could not be queued and nothing was bought, retry shortly");
    }

    /**
     * The row another writer inserted first. If it cannot be read now, the order may be CONFIRMED:
     * the answer names it (P2), as any other outcome not known yet.
     */
    private SettledOrder decidedElsewhere(OrderRequested order) {
        try {
            return orderBook.find(order.orderId()).orElseThrow();
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("orderId", order.orderId().toString())
                    .addKeyValue("itemId", order.itemId())
                    .log(
                            "Order {} was settled by another writer, and its row cannot be read now: {}",
                            order.orderId(),
                            e.toString());
            throw outcomeNotKnownYet(order);
        }
    }

    /** The 503 of an order that may or may not be queued: nothing is decided, the body names the order. */
    static ApiException outcomeNotKnownYet(OrderRequested order) {
        return new ApiException(
                ErrorCode.UNAVAILABLE,
                "The order's outcome is not known yet: read it at " + "/api/v1/orders/" + order.orderId()
                        + ", or retry with the same Idempotency-Key",
                Map.of("Retry-After", "1"),
                Map.of("orderId", order.orderId()));
    }

    /** The reservation and the Idempotency-Key go back; if Redis fails now, the reconciler releases the reservation. */
    private void giveBack(OrderRequested order, SettledOrder withdrawn, Optional<String> idempotencyKey) {
        try {
            var released = gate.release(order.itemId(), List.of(order.orderId()));
            orderBook.markCompensated(released);
            idempotencyKey.ifPresent(
                    key -> idempotencyKeys.forget(order.itemId(), order.orderId(), order.userId(), key));
            statusCache.record(List.of(withdrawn));
            metrics.releasedOnWithdrawal(released.size());
            log.atInfo()
                    .addKeyValue("orderId", order.orderId().toString())
                    .addKeyValue("itemId", order.itemId())
                    .log("Withdrew order {} ({} reservation released)", order.orderId(), released.size());
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("orderId", order.orderId().toString())
                    .addKeyValue("itemId", order.itemId())
                    .log(
                            "Withdrew order {} but could not give its reservation back; the reconciler will: {}",
                            order.orderId(),
                            e.toString());
        }
    }
}
