package io.flashsale.admission.edge;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * How many connections the server keeps open at once (docs/adr/0072): {@code
 * server.tomcat.max-connections} if the operator set it (0 or less: no bound), otherwise what the
 * heap holds: the JVM's maximum heap less {@code FLASHSALE_HTTP_HEAP_RESERVE}, divided by {@code
 * FLASHSALE_HTTP_HEAP_PER_CONNECTION}, and at least {@link #AT_LEAST}.
 * <p>
 * Every open connection holds heap: Tomcat's buffers for it and for its request and response, and,
 * while a request waits or runs, its virtual thread's stack; about 90 KiB each when measured with a
 * purchase waiting on each, beside the 95-170 MiB the application holds itself. Tomcat's default
 * bound, 8,192 connections, is more than a 512 MiB heap holds: an open crowd that kept arriving
 * while the answers were slow filled it, the collector then ran full collections back to back
 * without freeing anything, and the instance never answered again. With this bound the server
 * stops accepting at the bound (Tomcat's {@code maxConnections}); the next connections wait in the
 * kernel's accept queue ({@code server.tomcat.accept-count}) and then in the clients' own retries,
 * and the instance goes on answering the connections it has.
 */
@Component
public class ConnectionBound {

    static final String MAX_CONNECTIONS = "server.tomcat.max-connections";

    /** The fewest connections a bound from the heap allows, however small the heap. */
    static final int AT_LEAST = 128;

    /** What Tomcat reads as no bound at all. */
    static final int UNBOUNDED = -1;

    private final int maxConnections;
    private final boolean fromHeap;

    ConnectionBound(HttpLimits limits, Environment environment) {
        Integer set =
                Binder.get(environment).bind(MAX_CONNECTIONS, Integer.class).orElse(null);
        this.fromHeap = set == null;
        if (fromHeap) {
            this.maxConnections =
                    forHeap(Runtime.getRuntime().maxMemory(), limits.heapReserve(), limits.heapPerConnection());
        } else {
            this.maxConnections = set > 0 ? set : UNBOUNDED;
        }
    }

    /** The connections kept open at most; {@link #UNBOUNDED} (-1) if the operator asked for no bound. */
    public int maxConnections() {
        return maxConnections;
    }

    /** True if the bound comes from the heap, false if {@code server.tomcat.max-connections} set it. */
    boolean fromHeap() {
        return fromHeap;
    }

    /**
     * @param maxHeapBytes      the JVM's maximum heap ({@link Runtime#maxMemory()}), in bytes
     * @param reserve           the heap kept for the application itself
     * @param heapPerConnection the heap budgeted for each open connection
     * @return the connections to keep open at most: what is left of the heap after the reserve,
     *     divided by the budget, and at least {@link #AT_LEAST}
     */
    static int forHeap(long maxHeapBytes, DataSize reserve, DataSize heapPerConnection) {
        long connections = Math.max(0, maxHeapBytes - reserve.toBytes()) / heapPerConnection.toBytes();
        return (int) Math.clamp(connections, AT_LEAST, Integer.MAX_VALUE);
    }
}
