package io.flashsale.admission.events;

import io.flashsale.admission.OrderView;
import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateKeys;
import io.flashsale.admission.gate.StockListener;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.TaskScheduler;
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
public class LiveChanges implements ApplicationListener<ApplicationReadyEvent>, StockListener {

    private static final Logger log = LoggerFactory.getLogger(LiveChanges.class);

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final JsonMapper json;
    private final Set<Long> moved = ConcurrentHashMap.newKeySet();

    private final TaskScheduler scheduler;
    private final Duration interval;

    LiveChanges(
            StringRedisTemplate redis,
            AdmissionProperties settings,
            JsonMapper json,
            TaskScheduler scheduler,
            EventStreamProperties events) {
        this.redis = redis;
        this.keys = new GateKeys(settings.gate().keyPrefix());
        this.json = json;
        this.scheduler = scheduler;
        this.interval = events.stockInterval();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent ready) {
        scheduler.scheduleWithFixedDelay(this::flush, interval);
    }

    /** Units of this item moved; announced with the next flush. */
    @Override
    public void unitsMoved(long itemId) {
        moved.add(itemId);
    }

    /**
     * These orders now have the status they carry: every api instance pushes it to the streams of
     * these orders. Never fails: a status that could not be announced is read by the next connect.
     */
    public void ordersChanged(Collection<OrderView> orders) {
        if (orders.isEmpty()) {
            return;
        }
        try {
            StringBuilder message = new StringBuilder(orders.size() * 160);
            for (OrderView order : orders) {
                message.append(order.orderId())
                        .append(' ')
                        .append(json.writeValueAsString(order))
                        .append('\n');
            }
            redis.convertAndSend(keys.orderChannel(), message.toString());
        } catch (RuntimeException e) {
            log.warn(
                    "Could not announce {} order status changes; their streams show them on reconnect: {}",
                    orders.size(),
                    e.toString());
        }
    }

    void flush() {
        if (moved.isEmpty()) {
            return;
        }
        Set<Long> items = ConcurrentHashMap.newKeySet();
        moved.removeIf(items::add);
        try {
            redis.convertAndSend(
                    keys.stockChannel(), items.stream().map(String::valueOf).collect(Collectors.joining(",")));
        } catch (RuntimeException e) {
            moved.addAll(items);
            log.debug("Could not announce that units of {} items moved, trying again: {}", items.size(), e.toString());
        }
    }
}
