package io.flashsale.admission;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.orders.OrderBook;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.OrderStatus;
import io.flashsale.shared.PaymentProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Redis first (every PENDING order is there), PostgreSQL for what the cache no longer holds.
 * <p>
 * When Redis has lost its data, an order still in the queue is in neither until a worker settles
 * it. Such an order is never answered "not found": an id the cache cannot vouch for (admitted
 * before the cache's last loss, or of unknown age, while such a loss is recent) is answered 503
 * with Retry-After instead (see {@link OrderStatusCache#completeSince()}).
 * <p>
 * With a payment window, CONFIRMED is not final: the order may have been paid or cancelled by
 * another process since the cache was written, so a cached CONFIRMED is read again from PostgreSQL
 * (the cache answers only if PostgreSQL cannot).
 */
@NamedInterface("buyer")
@Component
public class OrderStatusQuery {

    private final OrderStatusCache statuses;
    private final OrderBook orderBook;
    private final Clock clock;
    private final Duration longestUnsettled;
    private final boolean confirmedMayChange;

    OrderStatusQuery(
            OrderStatusCache statuses,
            OrderBook orderBook,
            Clock clock,
            AdmissionProperties settings,
            PaymentProperties payment) {
        this.statuses = statuses;
        this.orderBook = orderBook;
        this.clock = clock;
        this.confirmedMayChange = payment.isOn();
        // an order is settled or expired within its reservation, give or take a reconciler pass
        this.longestUnsettled = settings.reservation()
                .ttl()
                .plus(settings.gate().publishTimeout())
                .plusMinutes(1);
    }

    public Optional<OrderView> find(UUID orderId) {
        Optional<OrderView> cached = statuses.find(orderId);
        if (cached.isPresent() && !(confirmedMayChange && cached.get().status() == OrderStatus.CONFIRMED)) {
            return cached;
        }
        try {
            return orderBook.find(orderId).map(OrderView::of).or(() -> cached);
        } catch (RuntimeException e) {
            if (cached.isPresent()) {
                return cached;
            }
            throw e;
        }
    }

    /**
     * @throws ApiException NOT_FOUND if no such order exists, UNAVAILABLE if it may exist but its
     *                      status is not readable until it is settled
     */
    public OrderView require(UUID orderId) {
        return find(orderId)
                .orElseThrow(() -> mayBeUnsettled(orderId)
                        ? new ApiException(
                                ErrorCode.UNAVAILABLE,
                                "The status of order " + orderId + " is being recovered, retry shortly",
                                Map.of("Retry-After", "2"),
                                Map.of("orderId", orderId))
                        : new ApiException(ErrorCode.NOT_FOUND, "No order " + orderId));
    }

    private boolean mayBeUnsettled(UUID orderId) {
        Instant now = clock.instant();
        Instant cacheCompleteSince = statuses.completeSince().orElse(now);
        if (orderId.version() == 7) {
            Instant admitted = Instant.ofEpochMilli(orderId.getMostSignificantBits() >>> 16);
            return admitted.isBefore(cacheCompleteSince) && admitted.isAfter(now.minus(longestUnsettled));
        }
        // an id derived from an Idempotency-Key (v5) carries no time; this service makes no other kind
        return orderId.version() == 5 && cacheCompleteSince.isAfter(now.minus(longestUnsettled));
    }
}
