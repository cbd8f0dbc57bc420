package io.flashsale.admission;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.SettledOrder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Brings the gate in line with what settlement decided: a confirmed order's reservation becomes a
 * sale, a failed or expired one is given back (once: see release.lua), and statuses are cached.
 * If Redis is unreachable now, the pending entries stay and the reconciler finishes the job.
 */
@Component
class GateSync {

    private static final Logger log = LoggerFactory.getLogger(GateSync.class);

    private final RedisGate gate;
    private final OrderStatusCache statuses;
    private final OrderBook orderBook;
    private final AdmissionMetrics metrics;

    GateSync(RedisGate gate, OrderStatusCache statuses, OrderBook orderBook, AdmissionMetrics metrics) {
        this.gate = gate;
        this.statuses = statuses;
        this.orderBook = orderBook;
        this.metrics = metrics;
    }

    @EventListener
    void on(OrdersSettled event) {
        metrics.gateSync().record(() -> sync(event));
    }

    private void sync(OrdersSettled event) {
        try {
            Map<Long, Map<Boolean, List<SettledOrder>>> byItem = event.orders().stream().collect(Collectors.groupingBy(
                    SettledOrder::itemId, Collectors.partitioningBy(SettledOrder::isConfirmed)));
            byItem.forEach((itemId, orders) -> {
                gate.confirm(itemId, orders.get(true));
                List<UUID> released = gate.release(itemId, orders.get(false).stream().map(SettledOrder::orderId).toList());
                orderBook.markCompensated(released);
                metrics.releasedAfterSettlement(released.size());
            });
            statuses.record(event.orders());
        } catch (RuntimeException e) {
            log.warn("Could not sync {} settled orders to Redis; the reconciler will: {}", event.orders().size(), e.toString());
        }
    }
}
