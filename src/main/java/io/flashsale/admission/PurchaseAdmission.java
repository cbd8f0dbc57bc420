package io.flashsale.admission;

import io.flashsale.admission.edge.PurchaseRateLimits;
import io.flashsale.admission.gate.GateDecision;
import io.flashsale.admission.gate.OrderIds;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.admission.gate.SoldOutFlags;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.OrderRequested;
import org.springframework.amqp.AmqpException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisSystemException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The purchase path up to the queue: the buyer's rate limit, validate against the (cached) item,
 * bind the Idempotency-Key to this request, the local sold-out flag, ask the gate, publish and
 * wait for the broker's confirm. A 202 names an order that GET can read from then on; a 503 means
 * nothing was bought, or names the order whose outcome is not known yet ({@link OrderWithdrawal}).
 * Replays of an Idempotency-Key are answered by {@link IdempotentReplay}.
 */
@Service
public class PurchaseAdmission {

    private static final Logger log = LoggerFactory.getLogger(PurchaseAdmission.class);

    private final SaleCatalog catalog;
    private final RedisGate gate;
    private final IdempotentReplay replays;
    private final OrderQueueing queueing;
    private final Clock clock;
    private final FaultInjection faults;
    private final AdmissionMetrics metrics;
    private final PurchaseRateLimits rateLimits;
    private final SoldOutFlags soldOut;

    PurchaseAdmission(SaleCatalog catalog, RedisGate gate, IdempotentReplay replays, OrderQueueing queueing, Clock clock,
                      FaultInjection faults, AdmissionMetrics metrics, PurchaseRateLimits rateLimits,
                      SoldOutFlags soldOut) {
        this.catalog = catalog;
        this.gate = gate;
        this.replays = replays;
        this.queueing = queueing;
        this.clock = clock;
        this.faults = faults;
        this.metrics = metrics;
        this.rateLimits = rateLimits;
        this.soldOut = soldOut;
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
        } catch (TransientDataAccessException | DataAccessResourceFailureException | AmqpException
                 | RedisSystemException e) {
            outcome = AdmissionMetrics.outcomeOf(ErrorCode.UNAVAILABLE);
            throw e;
        } finally {
            metrics.admission(outcome, started);
        }
    }

    private record Answer(OrderAccepted accepted, boolean replayed) {
    }

    private Answer admitOrReplay(PlaceOrder command, Optional<String> idempotencyKey) {
        rateLimits.checkBuyer(command.userId());
        SaleItem item = catalog.cachedItem(command.itemId())
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No item " + command.itemId()));
        if (command.quantity() > item.perUserLimit()) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED,
                    "quantity exceeds the per-user limit of " + item.perUserLimit());
        }
        Instant now = clock.instant();
        if (!item.isOpenAt(now)) {
            throw notOpen(item, now);
        }
        idempotencyKey.ifPresent(key -> bindToThisRequest(command, key));

        // A retry with an Idempotency-Key may be the replay of an order admitted before the sell-out:
        // only the gate knows, so such a request always asks it.
        if (idempotencyKey.isEmpty() && soldOut.isSoldOutFor(item.id(), command.quantity())) {
            throw soldOut(item);
        }
        List<UUID> attempts = idempotencyKey.map(key -> OrderIds.forRequest(gate.keys().prefix(), item.id(),
                command.userId(), command.quantity(), key)).orElseGet(() -> List.of(OrderIds.fresh()));
        long gateStarted = System.nanoTime();
        GateDecision decision = gate.reserve(item.id(), attempts, command.userId(), command.quantity(), idempotencyKey);
        metrics.gateReserve().record(System.nanoTime() - gateStarted, TimeUnit.NANOSECONDS);
        switch (decision.outcome()) {
            case ADMITTED -> { }
            case REPLAY -> {
                return new Answer(replays.replay(item, command.userId(), decision, idempotencyKey, now), true);
            }
            case SOLD_OUT -> {
                soldOut.markSoldOut(item.id(), decision.unitsLeft());
                throw soldOut(item);
            }
            case LIMIT_REACHED -> throw new ApiException(ErrorCode.ALREADY_PURCHASED,
                    "The per-user limit of " + item.perUserLimit() + " is reached");
            case NOT_OPEN -> throw notOpen(item, now);
            case ATTEMPTS_EXHAUSTED -> throw new ApiException(ErrorCode.UNAVAILABLE, "Every attempt under this "
                    + "Idempotency-Key was withdrawn and nothing was bought; retry with a new key");
            case NOT_LOADED -> throw item.saleStatus() == SaleStatus.WARMED_UP
                    ? new ApiException(ErrorCode.UNAVAILABLE, "Item " + item.id() + " is being restored, retry shortly")
                    : new ApiException(ErrorCode.SALE_NOT_ACTIVE, "The sale has not been warmed up yet");
        }

        var order = new OrderRequested(decision.orderId(), item.id(), command.userId(), command.quantity(), now, decision.deadline());
        faults.beforePublishing(order);
        return new Answer(queueing.queue(order, idempotencyKey), false);
    }

    /**
     * An Idempotency-Key names one request: the same key from the same buyer with another item or
     * quantity is refused (422), never admitted as a second order.
     */
    private void bindToThisRequest(PlaceOrder command, String key) {
        String request = command.itemId() + "|" + command.quantity();
        gate.bindIdempotencyKey(command.userId(), key, request).ifPresent(bound -> {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was first used for another request (item|quantity " + bound + ")");
        });
    }

    private static ApiException soldOut(SaleItem item) {
        return new ApiException(ErrorCode.SOLD_OUT, "Item " + item.id() + " is sold out");
    }

    private static ApiException notOpen(SaleItem item, Instant now) {
        return new ApiException(ErrorCode.SALE_NOT_ACTIVE, now.isBefore(item.startsAt())
                ? "The sale starts at " + item.startsAt() : "The sale ended at " + item.endsAt());
    }
}
