package io.flashsale.recovery;

import io.flashsale.admission.gate.PendingReservation;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.OrderRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Settles the reservations left pending in the gate after the grace period: one whose order has a
 * row but was never synced to Redis is synced; one past its deadline plus grace with no row is
 * expired (an EXPIRED row, first writer wins) and given back.
 */
class LeftoverReservations {

    private static final Logger log = LoggerFactory.getLogger(LeftoverReservations.class);
    private static final int MAX_LEFTOVERS_PER_TICK = 1_000;

    private final RedisGate gate;
    private final OrderBook orderBook;
    private final OrderMetrics orderMetrics;
    private final ApplicationEventPublisher events;
    private final ReconcilerProperties settings;
    private final Duration reservationTtl;

    LeftoverReservations(
            RedisGate gate,
            OrderBook orderBook,
            OrderMetrics orderMetrics,
            ApplicationEventPublisher events,
            ReconcilerProperties settings,
            Duration reservationTtl) {
        this.gate = gate;
        this.orderBook = orderBook;
        this.orderMetrics = orderMetrics;
        this.events = events;
        this.settings = settings;
        this.reservationTtl = reservationTtl;
    }

    /**
     * Reservations normally leave the pending list within moments of their order being settled.
     * One still there after the grace period is either settled but never synced (a worker crashed,
     * or Redis failed, after the commit) or, past its deadline, orphaned; either way PostgreSQL's
     * row, written now as EXPIRED if there is none yet, decides what the gate does with it.
     */
    void settle(SaleItem item, Instant now) {
        List<PendingReservation> leftovers = gate.pendingReservations(item.id()).stream()
                .filter(reservation ->
                        reservedAt(reservation).plus(settings.grace()).isBefore(now))
                .sorted(Comparator.comparing(PendingReservation::deadline))
                .limit(MAX_LEFTOVERS_PER_TICK)
                .toList();
        if (leftovers.isEmpty()) {
            return;
        }
        Map<UUID, SettledOrder> rows = new HashMap<>(orderBook.find(
                leftovers.stream().map(PendingReservation::orderId).toList()));
        List<OrderRequested> orphans = leftovers.stream()
                .filter(reservation -> !rows.containsKey(reservation.orderId()))
                .filter(reservation ->
                        reservation.deadline().plus(settings.grace()).isBefore(now))
                .map(this::asOrder)
                .toList();
        List<SettledOrder> expiring =
                orphans.stream().map(SettledOrder::expired).toList();
        var expired = orderBook.insert(expiring);
        orderMetrics.settled(
                OrderMetrics.Settler.RECONCILER,
                expiring.stream()
                        .filter(order -> expired.contains(order.orderId()))
                        .toList());
        rows.putAll(orderBook.find(expired));
        if (!rows.isEmpty()) {
            log.info(
                    "Item {}: {} leftover reservations, {} expired now, {} settled earlier and synced now",
                    item.id(),
                    leftovers.size(),
                    expired.size(),
                    rows.size() - expired.size());
            events.publishEvent(new OrdersSettled(List.copyOf(rows.values())));
        }
    }

    private Instant reservedAt(PendingReservation reservation) {
        return reservation.deadline().minus(reservationTtl);
    }

    private OrderRequested asOrder(PendingReservation reservation) {
        return new OrderRequested(
                reservation.orderId(),
                reservation.itemId(),
                reservation.userId(),
                reservation.quantity(),
                reservedAt(reservation),
                reservation.deadline());
    }
}
