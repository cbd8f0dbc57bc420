package io.flashsale.admission.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * One client's event stream (docs/adr/0050): what it was sent, so that it is sent only what comes
 * later in an order's life or differs from the units it has; {@link LatestEventSender} sends it.
 */
final class ClientStream {

    private final SseEmitter emitter;
    private final LatestEventSender sender;
    private final Consumer<ClientStream> closing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Object> keys = new ArrayList<>(1);
    // guarded by this
    private int orderRank;
    private final Map<Long, Long> units;

    /**
     * @param orderRank the rank of the status the client has ({@link StreamEventIds#rank}), -1 for none
     * @param seen      the units the client has per item of the stream, {@link StreamEventIds#UNSEEN} for none
     * @param closing   told once when the stream ends, whoever ends it
     */
    ClientStream(
            SseEmitter emitter, Executor senders, int orderRank, Map<Long, Long> seen, Consumer<ClientStream> closing) {
        this.emitter = emitter;
        this.sender = new LatestEventSender(emitter, senders, this::close);
        this.orderRank = orderRank;
        this.units = new TreeMap<>(seen);
        this.closing = closing;
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** The keys (order id, item ids) the stream listens on; read when it closes. */
    List<Object> keys() {
        return keys;
    }

    /** The order's status, unless the client has this one or a later one. */
    void status(String status, String orderJson) {
        synchronized (this) {
            int rank = StreamEventIds.rank(status);
            if (rank <= orderRank) {
                return;
            }
            orderRank = rank;
        }
        offer("status", SseEmitter.event().name("status").id(status).data(orderJson, MediaType.APPLICATION_JSON));
    }

    /** An item's units ({@code null}: the gate does not hold it), unless the client has this figure. */
    void stock(long itemId, Long available) {
        long value = available == null ? StreamEventIds.NONE : available;
        String id;
        synchronized (this) {
            Long before = units.get(itemId);
            if (before == null || before == value) {
                return;
            }
            units.put(itemId, value);
            id = StreamEventIds.stockId(units);
        }
        String data = "{\"itemId\":" + itemId + ",\"remaining\":" + (available == null ? "null" : available) + "}";
        offer("stock:" + itemId, SseEmitter.event().name("stock").id(id).data(data, MediaType.APPLICATION_JSON));
    }

    void reconnectAfter(long millis) {
        offer("retry", SseEmitter.event().reconnectTime(millis));
    }

    void ping() {
        offer("ping", SseEmitter.event().comment("keep-alive"));
    }

    private void offer(String key, SseEventBuilder event) {
        if (!closed.get()) {
            sender.offer(key, event);
        }
    }

    /** Ends the stream from this side (its lifetime is up, or the instance stops). */
    void end() {
        try {
            emitter.complete();
        } catch (RuntimeException e) {
            // completed already
        }
        close();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            sender.stop();
            closing.accept(this);
        }
    }
}
