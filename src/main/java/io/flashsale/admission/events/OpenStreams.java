package io.flashsale.admission.events;

import io.flashsale.admission.edge.ConnectionBound;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The Server-Sent Events streams open on this api instance, by what they listen to (an order id,
 * item ids), and their bound: at most {@code FLASHSALE_EVENTS_MAX_CONNECTIONS} at once, and never more
 * than half the connections the server keeps open ({@link ConnectionBound}), so that streams leave
 * room for purchases; one more is answered 503 with {@code Retry-After} (docs/adr/0050, 0072).
 */
@Component
@ConditionalOnRole(Role.API)
class OpenStreams {

    private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);

    /** What a browser waits before it reconnects on its own after a stream ended. */
    private static final long RECONNECT_MILLIS = 2_000;

    private final EventStreamProperties settings;
    private final int maxStreams;
    private final ConcurrentMap<Object, Set<ClientStream>> listening = new ConcurrentHashMap<>();
    private final Set<ClientStream> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter refused;
    private volatile boolean accepting;

    OpenStreams(EventStreamProperties settings, ConnectionBound connections, MeterRegistry meters) {
        this.settings = settings;
        this.maxStreams = atMost(settings.maxConnections(), connections.maxConnections());
        if (maxStreams < settings.maxConnections()) {
            log.atInfo()
                    .addKeyValue("maxStreams", maxStreams)
                    .log(
                            "At most {} event streams open at once, half the {} connections kept open"
                                    + " (FLASHSALE_EVENTS_MAX_CONNECTIONS is {})",
                            maxStreams,
                            connections.maxConnections(),
                            settings.maxConnections());
        }
        Gauge.builder("flashsale.events.connections", open, AtomicInteger::get)
                .description("Server-Sent Events streams open on this instance")
                .register(meters);
        this.refused = Counter.builder("flashsale.events.refused")
                .description(
                        "Streams refused with 503: the instance had FLASHSALE_EVENTS_MAX_CONNECTIONS, or half its connection bound, open")
                .register(meters);
    }

    /**
     * @param configured     {@code FLASHSALE_EVENTS_MAX_CONNECTIONS}
     * @param maxConnections the server's bound on open connections; 0 or less for none
     * @return the streams to keep open at most: the configured number, or half the connections (at least
     *     one) if fewer
     */
    static int atMost(int configured, int maxConnections) {
        return maxConnections > 0 ? Math.min(configured, Math.max(1, maxConnections / 2)) : configured;
    }

    /** A new stream listening on {@code keys}, unless the instance is stopping or has all the streams it takes. */
    ClientStream open(int orderRank, Map<Long, Long> seen, List<Object> keys) {
        if (!accepting) {
            throw new ApiException(
                    ErrorCode.UNAVAILABLE, "This instance is shutting down, reconnect", Map.of("Retry-After", "1"));
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            refused.increment();
            throw new ApiException(
                    ErrorCode.UNAVAILABLE,
                    "This instance has as many event streams open as it takes, " + "reconnect later",
                    Map.of("Retry-After", "5"));
        }
        var stream = new ClientStream(
                new SseEmitter(settings.lifetime().toMillis()), senders, orderRank, seen, this::closed);
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

    /** The streams listening on {@code key}, or null if none. */
    Set<ClientStream> listeningOn(Object key) {
        return listening.get(key);
    }

    int count() {
        return open.get();
    }

    void pingAll() {
        all.forEach(ClientStream::ping);
    }

    /** Whether new streams are taken: from the start of the instance until its shutdown. */
    void accept(boolean accepting) {
        this.accepting = accepting;
    }

    /** Ends every stream; returns how many. */
    int endAll() {
        List<ClientStream> streams = List.copyOf(all);
        streams.forEach(ClientStream::end);
        return streams.size();
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
}
