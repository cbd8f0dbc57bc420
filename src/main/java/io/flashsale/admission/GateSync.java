package io.flashsale.admission;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderStatus;
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
 * <p>
 * A redelivered message, or a leftover reservation, may name an order whose row has moved on since:
 * PAID holds its units like CONFIRMED; CANCELLED gave them back, so whatever the gate still counts
 * for it goes back the way a return does (restock.lua), never as a second sale.
 */
@Component
class GateSync {

    private static final Logger log = LoggerFactory.getLogger(GateSync.class);

    private final RedisGate gate;
    private final GateReturns returns;
    private final OrderStatusCache statuses;
    private final OrderBook orderBook;
    private final AdmissionMetrics metrics;

    GateSync(
            RedisGate gate,
            GateReturns returns,
            OrderStatusCache statuses,
            OrderBook orderBook,
            AdmissionMetrics metrics) {
        this.gate = gate;
        this.returns = returns;
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
            Map<Long, Map<Boolean, List<SettledOrder>>> byItem = event.orders().stream()
                    .collect(Collectors.groupingBy(
                            SettledOrder::itemId, Collectors.partitioningBy(SettledOrder::holdsUnits)));
            byItem.forEach((itemId, orders) -> {
                gate.confirm(itemId, orders.get(true));
                Map<Boolean, List<SettledOrder>> unsold = orders.get(false).stream()
                        .collect(Collectors.partitioningBy(order -> order.status() == OrderStatus.CANCELLED));
                if (!unsold.get(true).isEmpty()) {
                    returns.restock(itemId, unsold.get(true), List.of());
                }
                List<UUID> released = gate.release(
                        itemId,
                        unsold.get(false).stream().map(SettledOrder::orderId).toList());
                orderBook.markCompensated(released);
                metrics.releasedAfterSettlement(released.size());
            });
            statuses.record(event.orders());
        } catch (RuntimeException e) {
            log.warn(
                    "Could not sync {} settled orders to Redis; the reconciler will: {}",
                    event.orders().size(),
                    e.toString());
        }
    }
}
