package io.flashsale.recovery;

import io.flashsale.admission.GateWarmup;
import io.flashsale.admission.RedisGate;
import io.flashsale.admission.RedisGate.PendingReservation;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.settlement.OrderBook;
import io.flashsale.settlement.OrderMetrics;
import io.flashsale.settlement.OrdersSettled;
import io.flashsale.settlement.SettledOrder;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.MultiGauge.Row;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The reconciler role. Every few seconds the leader, for each item on sale (or whose sale ended
 * so recently that its last reservations may still be settling):
 * <ol>
 *   <li>settles leftover reservations: one whose order has a row but was never synced to Redis is
 *       synced; one past its deadline plus grace with no row is expired (an EXPIRED row, first
 *       writer wins) and given back;</li>
 *   <li>restores an item whose Redis state is lost, from PostgreSQL, once the queues hold no order
 *       that could still change the stock; until then purchases of it are answered 503;</li>
 *   <li>measures the drift between the gate and PostgreSQL, exposes it as a gauge, and repairs
 *       drift that persists ({@link DriftRepair}).</li>
 * </ol>
 * Items of sales that ended earlier, within {@code FLASHSALE_RECONCILER_ENDED_SALE_RETENTION}, are
 * only rebuilt if Redis lost them: their stock is still read from the gate.
 */
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final int MAX_LEFTOVERS_PER_TICK = 1_000;
    static final String DRIFT = "flashsale.gate.drift";

    private final ReconcilerLeadership leadership;
    private final SaleCatalog catalog;
    private final RedisGate gate;
    private final GateWarmup warmup;
    private final OrderBook orderBook;
    private final OrderQueues queues;
    private final RabbitAdmin rabbitAdmin;
    private final ApplicationEventPublisher events;
    private final ReconcilerProperties settings;
    private final Clock clock;
    private final Duration reservationTtl;
    private final OrderMetrics orderMetrics;
    private final MultiGauge drift;
    private final DriftRepair driftRepair;

    Reconciler(ReconcilerLeadership leadership, SaleCatalog catalog, RedisGate gate, GateWarmup warmup,
               OrderBook orderBook, OrderQueues queues, RabbitAdmin rabbitAdmin, ApplicationEventPublisher events,
               ReconcilerProperties settings, Duration reservationTtl, Clock clock, MeterRegistry meters,
               OrderMetrics orderMetrics) {
        this.leadership = leadership;
        this.catalog = catalog;
        this.gate = gate;
        this.warmup = warmup;
        this.orderBook = orderBook;
        this.queues = queues;
        this.rabbitAdmin = rabbitAdmin;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
        this.reservationTtl = reservationTtl;
        this.orderMetrics = orderMetrics;
        this.driftRepair = new DriftRepair(gate, orderBook, warmup);
        this.drift = MultiGauge.builder(DRIFT)
                .description("Redis tokens minus (PostgreSQL available - pending reservations)").register(meters);
        Gauge.builder("flashsale.reconciler.leader", leadership, l -> l.holdsLeadership() ? 1 : 0)
                .description("1 if this process is the reconciler leader").register(meters);
    }

    @Scheduled(fixedDelayString = "${flashsale.reconciler.interval:2s}")
    void reconcile() {
        List<Row<?>> driftRows = new ArrayList<>();
        if (leadership.isLeader()) {
            reconcileLiveItems(driftRows);
        }
        // only the items measured now keep a series: an ended sale, or a standby, leaves none behind
        drift.register(driftRows, true);
    }

    private void reconcileLiveItems(List<Row<?>> driftRows) {
        Instant now = clock.instant();
        // A reservation taken just before the end may stay pending one ttl longer, and is expired
        // only once grace has passed too; half a minute more and a few intervals make sure some tick
        // falls after that, even if Redis or PostgreSQL was out of reach meanwhile.
        Instant oldestSettlingEnd = now.minus(reservationTtl).minus(settings.grace()).minusSeconds(30)
                .minus(settings.interval().multipliedBy(3));
        for (SaleItem item : catalog.liveItemsEndingAfter(now.minus(settings.endedSaleRetention()))) {
            try {
                boolean settling = item.endsAt().isAfter(oldestSettlingEnd);
                if (!gate.isLoaded(item.id())) {
                    restoreLostItem(item, now);
                } else if (settling && !driftRepair.unloadIfPartlyLost(item)) {
                    settleLeftoverReservations(item, now);
                    long itemDrift = measureDrift(item);
                    driftRows.add(Row.of(Tags.of("item", Long.toString(item.id())), itemDrift));
                    driftRepair.measured(item, itemDrift);
                }
            } catch (RuntimeException e) {
                log.warn("Reconciling item {} failed, will try again: {}", item.id(), e.toString());
            }
        }
    }

    /**
     * Reservations normally leave the pending list within moments of their order being settled.
     * One still there after the grace period is either settled but never synced (a worker crashed,
     * or Redis failed, after the commit) or, past its deadline, orphaned; either way PostgreSQL's
     * row, written now as EXPIRED if there is none yet, decides what the gate does with it.
     */
    private void settleLeftoverReservations(SaleItem item, Instant now) {
        List<PendingReservation> leftovers = gate.pendingReservations(item.id()).stream()
                .filter(reservation -> reservedAt(reservation).plus(settings.grace()).isBefore(now))
                .sorted(Comparator.comparing(PendingReservation::deadline))
                .limit(MAX_LEFTOVERS_PER_TICK)
                .toList();
        if (leftovers.isEmpty()) {
            return;
        }
        Map<UUID, SettledOrder> rows = new HashMap<>(orderBook.find(leftovers.stream().map(PendingReservation::orderId).toList()));
        List<OrderRequested> orphans = leftovers.stream()
                .filter(reservation -> !rows.containsKey(reservation.orderId()))
                .filter(reservation -> reservation.deadline().plus(settings.grace()).isBefore(now))
                .map(this::asOrder)
                .toList();
        List<SettledOrder> expiring = orphans.stream().map(SettledOrder::expired).toList();
        var expired = orderBook.insert(expiring);
        orderMetrics.settled(OrderMetrics.Settler.RECONCILER,
                expiring.stream().filter(order -> expired.contains(order.orderId())).toList());
        rows.putAll(orderBook.find(expired));
        if (!rows.isEmpty()) {
            log.info("Item {}: {} leftover reservations, {} expired now, {} settled earlier and synced now", item.id(),
                    leftovers.size(), expired.size(), rows.size() - expired.size());
            events.publishEvent(new OrdersSettled(List.copyOf(rows.values())));
        }
    }

    private Instant reservedAt(PendingReservation reservation) {
        return reservation.deadline().minus(reservationTtl);
    }

    /**
     * Waits for the queues first while the sale is open (see {@link #settlementPipelineIsEmpty});
     * once it has ended nobody can be admitted, so there is nothing to wait for.
     */
    private void restoreLostItem(SaleItem item, Instant now) {
        if (now.isBefore(item.endsAt()) && !settlementPipelineIsEmpty()) {
            log.info("Item {} is missing from Redis; waiting for queued orders to settle before restoring it", item.id());
            return;
        }
        long tokens = warmup.restore(item);
        log.warn("Item {} was missing from Redis and has been restored from PostgreSQL with {} tokens", item.id(), tokens);
    }

    /**
     * No order waits in the orders, retry or dead-letter queues. Orders delivered to a worker and not
     * yet acknowledged are not counted here: the rebuild does not need them to be, because
     * confirm.lua counts an order the rebuilt gate never reserved when it is confirmed (load.lua).
     * Waiting only keeps the gate from admitting, meanwhile, units those orders are about to take.
     */
    private boolean settlementPipelineIsEmpty() {
        List<String> names = new ArrayList<>(List.of(queues.queue(), queues.deadLetterQueue()));
        for (int retry = 1; retry <= queues.retryDelays().size(); retry++) {
            names.add(queues.retryQueue(retry));
        }
        return names.stream().map(rabbitAdmin::getQueueInfo).filter(Objects::nonNull)
                .allMatch(info -> info.getMessageCount() == 0);
    }

    /** Tokens minus what they should be: PostgreSQL's available less what is reserved and not yet settled. */
    private long measureDrift(SaleItem item) {
        long tokens = gate.tokens(item.id()).orElse(0L);
        int available = catalog.freshItem(item.id()).map(SaleItem::available).orElse(0);
        // check-only mode reserves too, for buyers served from the standby list (restock.lua)
        long reserved = gate.pendingReservations(item.id()).stream().mapToLong(PendingReservation::quantity).sum();
        long value = tokens - (available - reserved);
        if (value != 0) {
            log.info("Item {}: gate drift {} (tokens {}, available {}, reserved {})", item.id(), value, tokens, available, reserved);
        }
        return value;
    }

    private OrderRequested asOrder(PendingReservation reservation) {
        return new OrderRequested(reservation.orderId(), reservation.itemId(), reservation.userId(), reservation.quantity(),
                reservedAt(reservation), reservation.deadline());
    }
}
