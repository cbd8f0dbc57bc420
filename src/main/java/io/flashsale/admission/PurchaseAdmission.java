package io.flashsale.admission;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.settlement.FailureReason;
import io.flashsale.settlement.OrderBook;
import io.flashsale.settlement.OrderMetrics;
import io.flashsale.settlement.SettledOrder;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import org.springframework.amqp.AmqpException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The purchase path up to the queue: the buyer's rate limit, validate against the (cached) item,
 * the local sold-out flag, ask the gate, publish and
 * wait for the broker's confirm. Whatever fails after the gate said yes gives the reservation back
 * before the client hears 503, so a refused request never holds stock.
 */
@Service
class PurchaseAdmission {

    private static final Logger log = LoggerFactory.getLogger(PurchaseAdmission.class);

    // Time-ordered UUIDs (v7) keep the orders primary key index append-mostly.
    private final TimeBasedEpochGenerator orderIds = Generators.timeBasedEpochGenerator();
    private final SaleCatalog catalog;
    private final RedisGate gate;
    private final OrderStatusCache statusCache;
    private final OrderStatusQuery statuses;
    private final OrderRequestedPublisher publisher;
    private final OrderBook orderBook;
    private final Clock clock;
    private final FaultInjection faults;
    private final AdmissionMetrics metrics;
    private final OrderMetrics orderMetrics;
    private final PurchaseRateLimits rateLimits;
    private final SoldOutFlags soldOut;

    PurchaseAdmission(SaleCatalog catalog, RedisGate gate, OrderStatusCache statusCache, OrderStatusQuery statuses,
                      OrderRequestedPublisher publisher, OrderBook orderBook, Clock clock, FaultInjection faults,
                      AdmissionMetrics metrics, OrderMetrics orderMetrics, PurchaseRateLimits rateLimits,
                      SoldOutFlags soldOut) {
        this.catalog = catalog;
        this.gate = gate;
        this.statusCache = statusCache;
        this.statuses = statuses;
        this.publisher = publisher;
        this.orderBook = orderBook;
        this.clock = clock;
        this.faults = faults;
        this.metrics = metrics;
        this.orderMetrics = orderMetrics;
        this.rateLimits = rateLimits;
        this.soldOut = soldOut;
    }

    OrderAccepted admit(PlaceOrder command, Optional<String> idempotencyKey) {
        long started = System.nanoTime();
        String outcome = AdmissionMetrics.ERROR;
        try {
            Answer answer = admitOrReplay(command, idempotencyKey);
            outcome = answer.replayed() ? AdmissionMetrics.REPLAYED : AdmissionMetrics.ADMITTED;
            return answer.accepted();
        } catch (ApiException e) {
            outcome = AdmissionMetrics.outcomeOf(e.code());
            throw e;
        } catch (TransientDataAccessException | DataAccessResourceFailureException | AmqpException e) {
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

        // A retry with an Idempotency-Key may be the replay of an order admitted before the sell-out:
        // only the gate knows, so such a request always asks it.
        if (idempotencyKey.isEmpty() && soldOut.isSoldOutFor(item.id(), command.quantity())) {
            throw soldOut(item);
        }
        var orderId = orderIds.generate();
        long gateStarted = System.nanoTime();
        GateDecision decision = gate.reserve(item.id(), orderId, command.userId(), command.quantity(), idempotencyKey);
        metrics.gateReserve().record(System.nanoTime() - gateStarted, TimeUnit.NANOSECONDS);
        switch (decision.outcome()) {
            case ADMITTED -> { }
            case REPLAY -> {
                return new Answer(new OrderAccepted(decision.orderId(), statuses.find(decision.orderId())
                        .map(OrderView::status).orElse(OrderStatus.PENDING)), true);
            }
            case SOLD_OUT -> {
                soldOut.markSoldOut(item.id(), decision.unitsLeft());
                throw soldOut(item);
            }
            case LIMIT_REACHED -> throw new ApiException(ErrorCode.ALREADY_PURCHASED,
                    "The per-user limit of " + item.perUserLimit() + " is reached");
            case NOT_OPEN -> throw notOpen(item, now);
            case NOT_LOADED -> throw item.saleStatus() == SaleStatus.WARMED_UP
                    ? new ApiException(ErrorCode.UNAVAILABLE, "Item " + item.id() + " is being restored, retry shortly")
                    : new ApiException(ErrorCode.SALE_NOT_ACTIVE, "The sale has not been warmed up yet");
        }

        var order = new OrderRequested(orderId, item.id(), command.userId(), command.quantity(), now, decision.deadline());
        faults.beforePublishing(order);
        var published = publisher.publish(order);
        if (published != OrderRequestedPublisher.Outcome.CONFIRMED) {
            withdraw(order, idempotencyKey, published);
            throw new ApiException(ErrorCode.UNAVAILABLE, "The order could not be queued, retry shortly");
        }
        log.atInfo().addKeyValue("orderId", orderId.toString()).addKeyValue("itemId", item.id())
                .log("Order {} for item {} admitted and queued", orderId, item.id());
        return new Answer(new OrderAccepted(orderId, OrderStatus.PENDING), false);
    }

    /**
     * Gives the reservation back. If the broker may still have the message, the order is first
     * settled as FAILED in PostgreSQL (first writer wins), so a late delivery cannot confirm it.
     * If even that fails, the reservation stays until the reconciler expires it.
     */
    private void withdraw(OrderRequested order, Optional<String> idempotencyKey, OrderRequestedPublisher.Outcome published) {
        try {
            if (published == OrderRequestedPublisher.Outcome.UNCONFIRMED) {
                SettledOrder withdrawn = SettledOrder.failed(order, FailureReason.PUBLISH_UNCONFIRMED);
                if (!orderBook.insertIfAbsent(withdrawn)) {
                    return;
                }
                orderMetrics.settled(OrderMetrics.Settler.API, List.of(withdrawn));
            }
            List<?> released = gate.release(order.itemId(), List.of(order.orderId()));
            idempotencyKey.ifPresent(key -> gate.forgetIdempotencyKey(order.itemId(), order.userId(), key));
            if (published == OrderRequestedPublisher.Outcome.UNCONFIRMED) {
                orderBook.markCompensated(List.of(order.orderId()));
            }
            statusCache.forget(order.orderId());
            metrics.releasedOnWithdrawal(released.size());
            log.atInfo().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId())
                    .log("Withdrew order {} ({} reservation released)", order.orderId(), released.size());
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId())
                    .log("Could not withdraw order {}; the reconciler will expire it: {}", order.orderId(), e.toString());
        }
    }

    private static ApiException soldOut(SaleItem item) {
        return new ApiException(ErrorCode.SOLD_OUT, "Item " + item.id() + " is sold out");
    }

    private static ApiException notOpen(SaleItem item, Instant now) {
        return new ApiException(ErrorCode.SALE_NOT_ACTIVE, now.isBefore(item.startsAt())
                ? "The sale starts at " + item.startsAt() : "The sale ended at " + item.endsAt());
    }
}
