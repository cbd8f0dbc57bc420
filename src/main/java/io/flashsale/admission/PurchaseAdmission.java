package io.flashsale.admission;

import io.flashsale.admission.edge.PurchaseRateLimits;
import io.flashsale.admission.gate.GateDecision;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.BackingServiceOutages;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.OrderRequested;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The purchase path up to the queue: the buyer's rate limit, validate against the (cached) item,
 * the gate ({@link GateReservation}: the Idempotency-Key, the local sold-out flag, the reserve call),
 * publish and wait for the broker's confirm. A 202 names an order that GET can read from then on; a 503 means
 * nothing was bought, or names the order whose outcome is not known yet ({@link OrderWithdrawal}).
 * Replays of an Idempotency-Key are answered by {@link IdempotentReplay}.
 */
@Service
public class PurchaseAdmission {

    private static final Logger log = LoggerFactory.getLogger(PurchaseAdmission.class);

    private final SaleCatalog catalog;
    private final GateReservation reservation;
    private final IdempotentReplay replays;
    private final OrderQueueing queueing;
    private final Clock clock;
    private final FaultInjection faults;
    private final AdmissionMetrics metrics;
    private final PurchaseRateLimits rateLimits;

    PurchaseAdmission(
            SaleCatalog catalog,
            GateReservation reservation,
            IdempotentReplay replays,
            OrderQueueing queueing,
            Clock clock,
            FaultInjection faults,
            AdmissionMetrics metrics,
            PurchaseRateLimits rateLimits) {
        this.catalog = catalog;
        this.reservation = reservation;
        this.replays = replays;
        this.queueing = queueing;
        this.clock = clock;
        this.faults = faults;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
    }

    public OrderAccepted admit(PlaceOrder command, Optional<String> idempotencyKey) {
        long started = System.nanoTime();
        String outcome = AdmissionMetrics.ERROR;
        try {
            Answer answer = admitOrReplay(command, idempotencyKey);
            outcome = answer.replayed() ? AdmissionMetrics.REPLAYED : AdmissionMetrics.ADMITTED;
            return answer.accepted();
        } catch (ApiException e) {
            outcome = AdmissionMetrics.outcomeOf(e.code());
            throw e;
        } catch (RuntimeException e) {
            if (BackingServiceOutages.isOutage(e)) {
                outcome = AdmissionMetrics.outcomeOf(ErrorCode.UNAVAILABLE);
            }
            throw e;
        } finally {
            metrics.admission(outcome, started);
        }
    }

    private record Answer(OrderAccepted accepted, boolean replayed) {}

    private Answer admitOrReplay(PlaceOrder command, Optional<String> idempotencyKey) {
        rateLimits.checkBuyer(command.userId());
        SaleItem item = catalog.cachedItem(command.itemId())
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No item " + command.itemId()));
        if (command.quantity() > item.perUserLimit()) {
            throw new ApiException(
                    ErrorCode.VALIDATION_FAILED, "quantity exceeds the per-user limit of " + item.perUserLimit());
        }
        Instant now = clock.instant();
        if (!item.isOpenAt(now)) {
            throw GateReservation.notOpen(item, now);
        }
        GateDecision decision = reservation.reserve(item, command, idempotencyKey, now);
        if (decision.outcome() == GateDecision.Outcome.REPLAY) {
            return new Answer(replays.replay(item, command.userId(), decision, idempotencyKey, now), true);
        }
        var order = new OrderRequested(
                decision.orderId(), item.id(), command.userId(), command.quantity(), now, decision.deadline());
        faults.beforePublishing(order);
        return new Answer(queueing.queue(order, idempotencyKey), false);
    }
}
