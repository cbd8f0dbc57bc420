package io.flashsale.standby;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.GateReturns.Admitted;
import io.flashsale.admission.gate.GateReturns.Restocked;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderRequested;
import io.flashsale.standby.StandbyList.Candidate;
import io.flashsale.standby.StandbyServings.Serving;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * withdrew or the sale ended first, the reservation is given back); the order is published, and
 * {@code queued_at} records the broker's confirm ({@link ServedOrderQueue}).
 */
@Component
public class StandbyQueue {

    private static final Logger log = LoggerFactory.getLogger(StandbyQueue.class);
    /** Buyers read beyond the units returned, for those the gate passes over (over their limit). */
    private static final int EXTRA_CANDIDATES = 100;

    private final StandbyList list;
    private final StandbyServings servings;
    private final ServedOrderQueue queue;
    private final GateReturns gate;
    private final StandbyMetrics metrics;
    private final Clock clock;

    StandbyQueue(
            StandbyList list,
            StandbyServings servings,
            ServedOrderQueue queue,
            GateReturns gate,
            StandbyMetrics metrics,
            Clock clock) {
        this.list = list;
        this.servings = servings;
        this.queue = queue;
        this.gate = gate;
        this.metrics = metrics;
        this.clock = clock;
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
            served(itemId, candidates, restocked.admitted(), unitsReturnedAt);
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

    private void served(long itemId, List<Candidate> candidates, List<Admitted> admitted, Instant unitsReturnedAt) {
        Map<UUID, Candidate> byOrder = candidates.stream()
                .collect(Collectors.toMap(candidate -> candidate.order().orderId(), Function.identity()));
        List<Serving> toServe = admitted.stream()
                .map(order -> new Serving(
                        byOrder.get(order.orderId()).standbyId(),
                        order.orderId(),
                        order.deadline(),
                        order.now() ? unitsReturnedAt : null))
                .toList();
        Set<UUID> served = servings.serve(toServe);
        Map<UUID, OrderRequested> toQueue = new HashMap<>();
        List<UUID> notServed = new ArrayList<>();
        for (Serving serving : toServe) {
            Candidate candidate = byOrder.get(serving.orderId());
            if (served.contains(serving.standbyId())) {
                metrics.served(
                        serving.unitReturnedAt() == null
                                ? null
                                : Duration.between(serving.unitReturnedAt(), clock.instant()));
                log.atInfo()
                        .addKeyValue("orderId", serving.orderId().toString())
                        .addKeyValue("itemId", itemId)
                        .log(
                                "Standing order {} of item {} served as order {}",
                                serving.standbyId(),
                                itemId,
                                serving.orderId());
                toQueue.put(
                        serving.standbyId(),
                        new OrderRequested(
                                serving.orderId(),
                                itemId,
                                candidate.order().userId(),
                                candidate.order().quantity(),
                                queue.requestedAt(serving.deadline()),
                                serving.deadline()));
            } else if (serving.deadline() != null
                    && list.find(serving.standbyId())
                            .filter(now -> serving.orderId().equals(now.orderId()))
                            .isEmpty()) {
                notServed.add(serving.orderId());
            }
        }
        if (!notServed.isEmpty()) {
            log.info(
                    "Item {}: {} standing orders were withdrawn or expired as the gate admitted them; releasing",
                    itemId,
                    notServed.size());
            gate.release(itemId, notServed);
        }
        queue.queueAll(toQueue);
    }
}
