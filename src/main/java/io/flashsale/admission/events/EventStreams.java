package io.flashsale.admission.events;


import io.flashsale.admission.gate.RedisGate;
import io.flashsale.admission.OrderView;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open Server-Sent Events streams of this api instance and what feeds them (docs/adr/0050).
 * <p>
 * Every event is a state: an order's stream says its status as {@code GET /api/v1/orders/{id}}
 * shows it, an item's the units the gate may still admit. A stream starts with the state now, then
 * pushes what {@link LiveChanges} announces on Redis pub/sub from any process; a reconnect's
 * {@code Last-Event-ID} says what the client has ({@link StreamEventIds}), so it gets what differs.
 * No event costs a PostgreSQL query: statuses arrive whole in the announcement, and units are read
 * from Redis once per {@code FLASHSALE_EVENTS_STOCK_INTERVAL} for the streamed items that moved,
 * whatever the number of streams and purchases. At most {@code FLASHSALE_EVENTS_MAX_CONNECTIONS}
 * streams are open at once; one more is answered 503 with {@code Retry-After}.
 */
@Component
@ConditionalOnRole(Role.API)
public class EventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    /** What a browser waits before it reconnects on its own after a stream ended. */
    private static final long RECONNECT_MILLIS = 2_000;

    private final EventStreamProperties settings;
    private final RedisGate gate;
    private final JsonMapper json;
    private final ConcurrentMap<Object, Set<ClientStream>> listening = new ConcurrentHashMap<>();
    private final Set<ClientStream> all = ConcurrentHashMap.newKeySet();
    private final Set<Long> moved = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter refused;
    private final TaskScheduler scheduler;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>(2);
    private volatile boolean running;

    EventStreams(EventStreamProperties settings, RedisGate gate, JsonMapper json, MeterRegistry meters, TaskScheduler scheduler) {
        this.settings = settings;
        this.gate = gate;
        this.json = json;
        this.scheduler = scheduler;
        Gauge.builder("flashsale.events.connections", open, AtomicInteger::get)
                .description("Server-Sent Events streams open on this instance").register(meters);
        this.refused = Counter.builder("flashsale.events.refused")
                .description("Streams refused with 503: the instance had FLASHSALE_EVENTS_MAX_CONNECTIONS open").register(meters);
    }

    /** An order's status; {@code current} reads it (and may refuse), after the stream listens, so no change falls between. */
    SseEmitter order(UUID orderId, Optional<String> lastEventId, Supplier<OrderView> current) {
        ClientStream stream = open(lastEventId.map(StreamEventIds::rankOf).orElse(-1), Map.of(), List.of(orderId.toString()));
        try {
            OrderView order = current.get();
            stream.status(order.status().name(), json.writeValueAsString(order));
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        return stream.emitter();
    }

    /** The units left of these items (one item, or every item of a sale). */
    SseEmitter items(Collection<Long> itemIds, Optional<String> lastEventId) {
        Map<Long, Long> known = lastEventId.map(StreamEventIds::unitsOf).orElse(Map.of());
        Map<Long, Long> seen = new TreeMap<>();
        itemIds.forEach(itemId -> seen.put(itemId, known.getOrDefault(itemId, StreamEventIds.UNSEEN)));
        ClientStream stream = open(-1, seen, List.copyOf(itemIds));
        try {
            itemIds.forEach(itemId -> stream.stock(itemId, gate.tokens(itemId).orElse(null)));
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        return stream.emitter();
    }

    /** A message of {@link GateKeys#orderChannel()}: lines {@code orderId json}; pushes those streamed here. */
    public void ordersChanged(String message) {
        for (String line : message.split("\n")) {
            int space = line.indexOf(' ');
            Set<ClientStream> streams = space < 0 ? null : listening.get(line.substring(0, space));
            if (streams == null) {
                continue;
            }
            String order = line.substring(space + 1);
            try {
                JsonNode status = json.readTree(order).path("status");
                if (status.isString()) {
                    streams.forEach(stream -> stream.status(status.asString(), order));
                }
            } catch (RuntimeException e) {
                log.warn("Ignoring a malformed order status message: {}", e.toString());
            }
        }
    }

    /** A message of {@link GateKeys#stockChannel()}: {@code itemId,...}; those streamed here are read with the next tick. */
    public void itemsMoved(String message) {
        for (String id : message.split(",")) {
            try {
                long itemId = Long.parseLong(id.strip());
                if (listening.containsKey(itemId)) {
                    moved.add(itemId);
                }
            } catch (NumberFormatException e) {
                log.debug("Ignoring a malformed item id in a stock message: {}", id);
            }
        }
    }

    void pushMovedUnits() {
        Set<Long> items = ConcurrentHashMap.newKeySet();
        moved.removeIf(items::add);
        for (long itemId : items) {
            Set<ClientStream> streams = listening.get(itemId);
            if (streams == null) {
                continue;
            }
            try {
                Long units = gate.tokens(itemId).orElse(null);
                streams.forEach(stream -> stream.stock(itemId, units));
            } catch (RuntimeException e) {
                moved.add(itemId);
                log.debug("Could not read the units of item {} for its streams, trying again: {}", itemId, e.toString());
            }
        }
    }

    void heartbeat() {
        all.forEach(ClientStream::ping);
    }

    int openStreams() {
        return open.get();
    }

    private ClientStream open(int orderRank, Map<Long, Long> seen, List<Object> keys) {
        if (!running) {
            throw new ApiException(ErrorCode.UNAVAILABLE, "This instance is shutting down, reconnect", Map.of("Retry-After", "1"));
        }
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refused.increment();
            throw new ApiException(ErrorCode.UNAVAILABLE, "This instance has as many event streams open as it takes, "
                    + "reconnect later", Map.of("Retry-After", "5"));
        }
        var stream = new ClientStream(new SseEmitter(settings.lifetime().toMillis()), senders, orderRank, seen, this::closed);
        all.add(stream);
        stream.emitter().onCompletion(stream::close);
        stream.emitter().onTimeout(stream::end);
        stream.emitter().onError(error -> stream.close());
        stream.reconnectAfter(RECONNECT_MILLIS);
        for (Object key : keys) {
            listening.compute(key, (k, streams) -> {
                Set<ClientStream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
                set.add(stream);
                return set;
            });
            stream.keys().add(key);
        }
        return stream;
    }

    private void closed(ClientStream stream) {
        all.remove(stream);
        for (Object key : stream.keys()) {
            listening.computeIfPresent(key, (k, streams) -> {
                streams.remove(stream);
                return streams.isEmpty() ? null : streams;
            });
        }
        open.decrementAndGet();
    }

    @Override
    public void start() {
        running = true;
        ticks.add(scheduler.scheduleWithFixedDelay(this::pushMovedUnits, settings.stockInterval()));
        ticks.add(scheduler.scheduleWithFixedDelay(this::heartbeat, settings.heartbeat()));
    }

    /** Ends every stream before the web server's graceful shutdown, which would wait for them; browsers reconnect elsewhere. */
    @Override
    public void stop() {
        running = false;
        ticks.forEach(tick -> tick.cancel(false));
        ticks.clear();
        List<ClientStream> streams = List.copyOf(all);
        streams.forEach(ClientStream::end);
        if (!streams.isEmpty()) {
            log.info("Ended {} event streams for the shutdown", streams.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
