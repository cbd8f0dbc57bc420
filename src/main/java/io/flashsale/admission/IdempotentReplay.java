package io.flashsale.admission;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateDecision;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** A purchase whose Idempotency-Key the gate already knows: answered with the first request's order. */
@Component
class IdempotentReplay {

    private static final Logger log = LoggerFactory.getLogger(IdempotentReplay.class);

    private final OrderStatusQuery statuses;
    private final OrderQueueing queueing;
    private final Duration firstAttemptOutcomeDelay;

    IdempotentReplay(OrderStatusQuery statuses, OrderQueueing queueing, AdmissionProperties settings) {
        this.statuses = statuses;
        this.queueing = queueing;
        this.firstAttemptOutcomeDelay = settings.gate().publishTimeout().plusSeconds(1);
    }

    /**
     * The order first admitted under this Idempotency-Key, as it stands now. While the first
     * request may still be waiting for the broker (for the publish timeout and a second more after
     * its admission), its outcome is not known: 409 {@code IDEMPOTENCY_KEY_IN_USE} naming the order,
     * as the IETF Idempotency-Key draft advises for a request still in progress. After that, an
     * order not settled yet is queued again under the same id: its message may never have been
     * sent (the first request's process died between the gate and the broker, or its publish
     * failed when PostgreSQL could not decide the order), and the answer must name an order that
     * will be settled. Settlement decides an order once, so a second message changes nothing.
     */
    OrderAccepted replay(
            SaleItem item, String userId, GateDecision first, Optional<String> idempotencyKey, Instant now) {
        Optional<OrderView> known = statuses.find(first.orderId());
        boolean settled = known.isPresent() && known.get().status() != OrderStatus.PENDING;
        if (!settled
                && first.admittedAt() != null
                && first.admittedAt().plus(firstAttemptOutcomeDelay).isAfter(now)) {
            throw new ApiException(
                    ErrorCode.IDEMPOTENCY_KEY_IN_USE,
                    "The first request with this Idempotency-Key " + "is still in progress, retry shortly",
                    Map.of("Retry-After", "1"),
                    Map.of("orderId", first.orderId()));
        }
        if (settled) {
            return new OrderAccepted(first.orderId(), known.get().status());
        }
        var order = new OrderRequested(first.orderId(), item.id(), userId, first.quantity(), now, first.deadline());
        if (known.isEmpty()) {
            log.atInfo()
                    .addKeyValue("orderId", first.orderId().toString())
                    .addKeyValue("itemId", item.id())
                    .log("Replayed order {} is unknown; queueing it again", first.orderId());
            return queueing.queue(order, idempotencyKey);
        }
        // PENDING: queued already, or never (its publish failed and nothing could be decided then).
        // Queued again, it is settled either way; if the broker does not confirm now, nothing is
        // decided here, as the first message may be queued.
        return queueing.queueAgain(order);
    }
}
