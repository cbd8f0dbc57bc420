package io.flashsale.standby;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.GateReturns.Admitted;
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
 * What follows the gate admitting standing orders ({@link StandbyQueue}): each row goes WAITING →
 * SERVED (one conditional UPDATE) and its order is queued as a purchase ({@link ServedOrderQueue});
 * an order whose standing order was withdrawn or expired meanwhile has its reservation given back.
 */
@Component
class AdmittedStandingOrders {

    /** Its log lines were StandbyQueue's and keep its logger. */
    private static final Logger log = LoggerFactory.getLogger(StandbyQueue.class);

    private final StandbyList list;
    private final StandbyServings servings;
    private final ServedOrderQueue queue;
    private final GateReturns gate;
    private final StandbyMetrics metrics;
    private final Clock clock;

    AdmittedStandingOrders(
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
     * Serves the {@code admitted} orders of one item, each one of the {@code candidates} offered to
     * the gate.
     *
     * @param unitsReturnedAt when the units the gate admitted them for came back (for the lag
     *     metric), or null
     */
    void serve(long itemId, List<Candidate> candidates, List<Admitted> admitted, Instant unitsReturnedAt) {
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
