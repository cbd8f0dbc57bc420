package io.flashsale.admission.events;


import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * One client's event stream (docs/adr/0050): what it was sent, and what waits to be sent. Only the
 * latest event per key waits (an order's status, an item's units), and one virtual thread at a time
 * sends, so a slow client gets fewer events and never holds up anyone else.
 */
final class ClientStream {

    private final SseEmitter emitter;
    private final Executor senders;
    private final Consumer<ClientStream> closing;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Object> keys = new ArrayList<>(1);
    // guarded by this
    private int orderRank;
    private final Map<Long, Long> units;
    private final Map<String, SseEventBuilder> pending = new LinkedHashMap<>();
    private boolean sending;

    /**
     * @param orderRank the rank of the status the client has ({@link StreamEventIds#rank}), -1 for none
     * @param seen      the units the client has per item of the stream, {@link StreamEventIds#UNSEEN} for none
     * @param closing   told once when the stream ends, whoever ends it
     */
    ClientStream(SseEmitter emitter, Executor senders, int orderRank, Map<Long, Long> seen, Consumer<ClientStream> closing) {
        this.emitter = emitter;
        this.senders = senders;
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
        synchronized (this) {
            if (closed.get()) {
                return;
            }
            pending.remove(key);
            pending.put(key, event);
            if (sending) {
                return;
            }
            sending = true;
        }
        try {
            senders.execute(this::send);
        } catch (RuntimeException e) {
            close();
        }
    }

    private void send() {
        while (true) {
            List<SseEventBuilder> events;
            synchronized (this) {
                if (pending.isEmpty() || closed.get()) {
                    sending = false;
                    return;
                }
                events = new ArrayList<>(pending.values());
                pending.clear();
            }
            try {
                for (SseEventBuilder event : events) {
                    emitter.send(event);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away, or the stream ended meanwhile
                synchronized (this) {
                    sending = false;
                }
                close();
                return;
            }
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
            synchronized (this) {
                pending.clear();
            }
            closing.accept(this);
        }
    }
}
