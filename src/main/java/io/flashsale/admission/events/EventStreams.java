package io.flashsale.admission.events;

import io.flashsale.admission.OrderView;
import io.flashsale.admission.gate.LiveChangeListener;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What feeds the Server-Sent Events streams of this api instance (docs/adr/0050).
 * <p>
 * Every event is a state: an order's stream says its status as {@code GET /api/v1/orders/{id}}
 * shows it, an item's the units the gate may still admit. A stream starts with the state now, then
 * pushes what {@link LiveChanges} announces on Redis pub/sub from any process; a reconnect's
 * {@code Last-Event-ID} says what the client has ({@link StreamEventIds}), so it gets what differs.
 * No event costs a PostgreSQL query: statuses arrive whole in the announcement, and units are read
 * from Redis once per {@code FLASHSALE_EVENTS_STOCK_INTERVAL} ({@link StreamTicks}) for the
 * streamed items that moved, whatever the number of streams and purchases. {@link OpenStreams}
 * holds the streams and their bound.
 */
@Component
@ConditionalOnRole(Role.API)
public class EventStreams implements LiveChangeListener {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final OpenStreams open;
    private final RedisGate gate;
    private final JsonMapper json;
    private final Set<Long> moved = ConcurrentHashMap.newKeySet();

    EventStreams(OpenStreams open, RedisGate gate, JsonMapper json) {
        this.open = open;
        this.gate = gate;
        this.json = json;
    }

    /** An order's status; {@code current} reads it (and may refuse), after the stream listens, so no change falls between. */
    SseEmitter order(UUID orderId, Optional<String> lastEventId, Supplier<OrderView> current) {
        ClientStream stream =
                open.open(lastEventId.map(StreamEventIds::rankOf).orElse(-1), Map.of(), List.of(orderId.toString()));
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
        ClientStream stream = open.open(-1, seen, List.copyOf(itemIds));
        try {
            itemIds.forEach(itemId -> stream.stock(itemId, gate.tokens(itemId).orElse(null)));
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
        return stream.emitter();
    }

    /** A message of {@link io.flashsale.admission.gate.GateKeys#orderChannel()}: lines {@code orderId json}; pushes those streamed here. */
    @Override
    public void ordersChanged(String message) {
        for (String line : message.split("\n")) {
            int space = line.indexOf(' ');
            Set<ClientStream> streams = space < 0 ? null : open.listeningOn(line.substring(0, space));
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

    /** A message of {@link io.flashsale.admission.gate.GateKeys#stockChannel()}: {@code itemId,...}; those streamed here are read with the next tick. */
    @Override
    public void itemsMoved(String message) {
        for (String id : message.split(",")) {
            try {
                long itemId = Long.parseLong(id.strip());
                if (open.listeningOn(itemId) != null) {
                    moved.add(itemId);
                }
            } catch (NumberFormatException e) {
                log.debug("Ignoring a malformed item id in a stock message: {}", id);
            }
        }
    }

    /** Reads the units of the streamed items that moved since the last tick and pushes them. */
    void pushMovedUnits() {
        Set<Long> items = ConcurrentHashMap.newKeySet();
        moved.removeIf(items::add);
        for (long itemId : items) {
            Set<ClientStream> streams = open.listeningOn(itemId);
            if (streams == null) {
                continue;
            }
            try {
                Long units = gate.tokens(itemId).orElse(null);
                streams.forEach(stream -> stream.stock(itemId, units));
            } catch (RuntimeException e) {
                moved.add(itemId);
                log.debug(
                        "Could not read the units of item {} for its streams, trying again: {}", itemId, e.toString());
            }
        }
    }

    int openStreams() {
        return open.count();
    }
}
