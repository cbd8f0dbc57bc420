package io.flashsale.admission;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What this process tells every api instance for the event streams (docs/adr/0050), in whatever
 * role it runs: the worker, the dlq and the reconciler settle orders and move units too.
 * <ul>
 *   <li>Orders whose status changed are published at once, one message per call (a settled batch is
 *       one message), on {@link GateKeys#orderChannel()}: a line {@code orderId json} per order, the
 *       json being the order as {@code GET /api/v1/orders/{id}} shows it, so a receiver pushes it as
 *       it is, without a read of its own.</li>
 *   <li>Items whose units moved are only noted here, at the cost of adding to a set on the purchase
 *       path, and published together every {@code FLASHSALE_EVENTS_STOCK_INTERVAL} on
 *       {@link GateKeys#stockChannel()}; a receiver reads the units of the items it streams then.
 *       A crowd buying one item thus costs one message per interval per process, not one per
 *       purchase.</li>
 * </ul>
 * Pub/sub keeps nothing: a message lost (Redis away) leaves a stream showing an older figure until
 * the next change, or until the client reconnects and gets the current state.
 */
@Component
public class LiveChanges {

    private static final Logger log = LoggerFactory.getLogger(LiveChanges.class);

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final JsonMapper json;
    private final Set<Long> moved = ConcurrentHashMap.newKeySet();

    LiveChanges(StringRedisTemplate redis, AdmissionProperties settings, JsonMapper json) {
        this.redis = redis;
        this.keys = new GateKeys(settings.gate().keyPrefix());
        this.json = json;
    }

    /** Units of this item moved; announced with the next flush. */
    void unitsMoved(long itemId) {
        moved.add(itemId);
    }

    /**
     * These orders now have the status they carry: every api instance pushes it to the streams of
     * these orders. Never fails: a status that could not be announced is read by the next connect.
     */
    void ordersChanged(Collection<OrderView> orders) {
        if (orders.isEmpty()) {
            return;
        }
        try {
            StringBuilder message = new StringBuilder(orders.size() * 160);
            for (OrderView order : orders) {
                message.append(order.orderId()).append(' ').append(json.writeValueAsString(order)).append('\n');
            }
            redis.convertAndSend(keys.orderChannel(), message.toString());
        } catch (RuntimeException e) {
            log.warn("Could not announce {} order status changes; their streams show them on reconnect: {}",
                    orders.size(), e.toString());
        }
    }

    @Scheduled(fixedDelayString = "${flashsale.events.stock-interval:250ms}")
    void flush() {
        if (moved.isEmpty()) {
            return;
        }
        Set<Long> items = ConcurrentHashMap.newKeySet();
        moved.removeIf(items::add);
        try {
            redis.convertAndSend(keys.stockChannel(), items.stream().map(String::valueOf).collect(Collectors.joining(",")));
        } catch (RuntimeException e) {
            moved.addAll(items);
            log.debug("Could not announce that units of {} items moved, trying again: {}", items.size(), e.toString());
        }
    }
}
