package io.flashsale.recovery;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.PerItemGauge;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *       drift that persists ({@link DriftMeter}, {@link DriftRepair}).</li>
 * </ol>
 * Items of sales that ended earlier, within {@code FLASHSALE_RECONCILER_ENDED_SALE_RETENTION}, are
 * only rebuilt if Redis lost them: their stock is still read from the gate.
 */
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    static final String DRIFT = "flashsale.gate.drift";

    private final ReconcilerLeadership leadership;
    private final SaleCatalog catalog;
    private final RedisGate gate;
    private final ReconcilerProperties settings;
    private final Clock clock;
    private final Duration reservationTtl;
    private final LeftoverReservations leftovers;
    private final LostItemRestore restore;
    private final DriftMeter driftMeter;
    private final DriftRepair driftRepair;
    private final PerItemGauge drift;

    /** The three processes come in built; this class only decides, per item and tick, which runs. */
    Reconciler(
            ReconcilerLeadership leadership,
            SaleCatalog catalog,
            RedisGate gate,
            ReconcilerProperties settings,
            Duration reservationTtl,
            Clock clock,
            MeterRegistry meters,
            LeftoverReservations leftovers,
            LostItemRestore restore,
            DriftMeter driftMeter,
            DriftRepair driftRepair) {
        this.leadership = leadership;
        this.catalog = catalog;
        this.gate = gate;
        this.settings = settings;
        this.clock = clock;
        this.reservationTtl = reservationTtl;
        this.leftovers = leftovers;
        this.restore = restore;
        this.driftMeter = driftMeter;
        this.driftRepair = driftRepair;
        this.drift =
                new PerItemGauge(meters, DRIFT, "Redis tokens minus (PostgreSQL available - pending reservations)");
        Gauge.builder("flashsale.reconciler.leader", leadership, l -> l.holdsLeadership() ? 1 : 0)
                .description("1 if this process is the reconciler leader")
                .register(meters);
    }

    /**
     * Synchronized: tests call it by hand while the scheduler may run it too, and two ticks at once
     * could each show the drift gauge a different set of items, milliseconds apart (ADR 0071).
     */
    @Scheduled(fixedDelayString = ReconcilerProperties.INTERVAL)
    synchronized void reconcile() {
        Map<Long, Long> driftByItem = new HashMap<>();
        if (leadership.isLeader()) {
            reconcileLiveItems(driftByItem);
        }
        // only the items measured now keep a series: an ended sale, or a standby, leaves none behind
        drift.show(driftByItem);
    }

    private void reconcileLiveItems(Map<Long, Long> driftByItem) {
        Instant now = clock.instant();
        // A reservation taken just before the end may stay pending one ttl longer, and is expired
        // only once grace has passed too; half a minute more and a few intervals make sure some tick
        // falls after that, even if Redis or PostgreSQL was out of reach meanwhile.
        Instant oldestSettlingEnd = now.minus(reservationTtl)
                .minus(settings.grace())
                .minusSeconds(30)
                .minus(settings.interval().multipliedBy(3));
        for (SaleItem item : catalog.liveItemsEndingAfter(now.minus(settings.endedSaleRetention()))) {
            try {
                boolean settling = item.endsAt().isAfter(oldestSettlingEnd);
                if (!gate.isLoaded(item.id())) {
                    restore.restore(item, now);
                } else if (settling && !driftRepair.unloadIfPartlyLost(item)) {
                    leftovers.settle(item, now);
                    long itemDrift = driftMeter.measure(item);
                    driftByItem.put(item.id(), itemDrift);
                    driftRepair.measured(item, itemDrift);
                }
            } catch (RuntimeException e) {
                log.warn("Reconciling item {} failed, will try again: {}", item.id(), e.toString());
            }
        }
    }
}
