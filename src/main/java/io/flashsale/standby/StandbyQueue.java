package io.flashsale.standby;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.GateReturns.Restocked;
import io.flashsale.orders.SettledOrder;
import io.flashsale.standby.StandbyList.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves the standby list from the gate: units that come back, and units free in the gate, go to
 * the buyers waiting, oldest first, in the same atomic step that returns them (restock.lua), so no
 * purchase can take them in between. Each buyer served gets an order (its id derived from the
 * standing order) that is queued and settled as a purchase.
 * <p>
 * Crash-safe in three steps, each repeatable: the gate admits the order (a repeat finds it pending
 * and admits nothing more); the row goes WAITING → SERVED (one conditional UPDATE; if the buyer
 * withdrew or the sale ended first, the reservation is given back: {@link AdmittedStandingOrders});
 * the order is published, and
 * {@code queued_at} records the broker's confirm ({@link ServedOrderQueue}).
 */
@Component
public class StandbyQueue {

    private static final Logger log = LoggerFactory.getLogger(StandbyQueue.class);
    /** Buyers read beyond the units returned, for those the gate passes over (over their limit). */
    private static final int EXTRA_CANDIDATES = 100;

    private final StandbyList list;
    private final AdmittedStandingOrders admittedOrders;
    private final ServedOrderQueue queue;
    private final GateReturns gate;
    private final StandbyMetrics metrics;

    StandbyQueue(
            StandbyList list,
            AdmittedStandingOrders admittedOrders,
            ServedOrderQueue queue,
            GateReturns gate,
            StandbyMetrics metrics) {
        this.list = list;
        this.admittedOrders = admittedOrders;
        this.queue = queue;
        this.gate = gate;
        this.metrics = metrics;
    }

    /**
     * Gives the units of {@code cancelled} (CANCELLED orders of one item, empty to offer only what
     * is free in the gate) back to the gate, offering them to the buyers waiting first.
     *
     * @param unitsReturnedAt when the cancelled orders' units came back (for the lag metric), or null
     */
    public Restocked restock(long itemId, List<SettledOrder> cancelled, Instant unitsReturnedAt) {
        int units = cancelled.stream().mapToInt(SettledOrder::quantity).sum();
        List<Candidate> candidates = list.waiting(itemId, units + EXTRA_CANDIDATES);
        Restocked restocked = gate.restock(
                itemId, cancelled, candidates.stream().map(Candidate::order).toList());
        if (restocked.loaded() && !restocked.admitted().isEmpty()) {
            admittedOrders.serve(itemId, candidates, restocked.admitted(), unitsReturnedAt);
        }
        int toStandby = candidates.stream()
                .filter(candidate -> restocked.admitted().stream()
                        .anyMatch(admitted -> admitted.now()
                                && admitted.orderId().equals(candidate.order().orderId())))
                .mapToInt(candidate -> candidate.order().quantity())
                .sum();
        metrics.offered(restocked.unitsReturned(), Math.min(toStandby, restocked.unitsReturned()));
        return restocked;
    }

    /**
     * The reconciler leader's pass: expires the standing orders of ended sales, offers units free in
     * the gate to the buyers waiting (and finds those a crashed server had admitted), and queues
     * again the orders whose publish was not confirmed.
     */
    public void serveWaiting(Duration grace) {
        int expired = list.expireEnded();
        if (expired > 0) {
            log.info("{} standing orders expired with their sales", expired);
        }
        for (long itemId : list.itemsWithWaiting()) {
            try {
                restock(itemId, List.of(), null);
            } catch (RuntimeException e) {
                log.warn("Could not offer free units of item {} to the buyers standing by: {}", itemId, e.toString());
            }
        }
        queue.requeueUnconfirmed(grace);
        metrics.waiting(list.waitingCount());
    }
}
