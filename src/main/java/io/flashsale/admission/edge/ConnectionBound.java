package io.flashsale.admission.edge;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * How many connections the server keeps open at once: {@code server.tomcat.max-connections} if it is
 * set, otherwise the JVM's maximum heap divided by {@code FLASHSALE_HTTP_HEAP_PER_CONNECTION}
 * (docs/adr/0072).
 * <p>
 * Every open connection holds heap: Tomcat's buffers for it and for its request and response, and,
 * while a request waits or runs, its virtual thread's stack; about 90 KiB each when measured with a
 * purchase waiting on each. Tomcat's default bound, 8,192 connections, is more than a 512 MiB heap
 * holds: an open crowd that kept arriving while the answers were slow filled it, the collector then
 * ran full collections back to back without freeing anything, and the instance never answered again.
 * With this bound the server stops accepting at the bound (Tomcat's {@code maxConnections}); the next
 * connections wait in the kernel's accept queue ({@code server.tomcat.accept-count}) and then in the
 * clients' own retries, and the instance goes on answering the connections it has.
 */
@Component
public class ConnectionBound {

    static final String MAX_CONNECTIONS = "server.tomcat.max-connections";

    private final int maxConnections;
    private final boolean fromHeap;

    ConnectionBound(HttpLimits limits, Environment environment) {
        Integer set =
                Binder.get(environment).bind(MAX_CONNECTIONS, Integer.class).orElse(null);
        this.fromHeap = set == null;
        this.maxConnections = fromHeap ? forHeap(Runtime.getRuntime().maxMemory(), limits.heapPerConnection()) : set;
    }

    /** The connections kept open at most; -1 (set so by the operator) for no bound, as Tomcat reads it. */
    public int maxConnections() {
        return maxConnections;
    }

    /** True if the bound is derived from the heap, false if {@code server.tomcat.max-connections} set it. */
    boolean fromHeap() {
        return fromHeap;
    }

    /**
     * @param maxHeapBytes      the JVM's maximum heap ({@link Runtime#maxMemory()}), in bytes
     * @param heapPerConnection the heap budgeted for each open connection
     * @return the connections to keep open at most: the heap divided by the budget, at least 1
     */
    static int forHeap(long maxHeapBytes, DataSize heapPerConnection) {
        long connections = maxHeapBytes / heapPerConnection.toBytes();
        return (int) Math.clamp(connections, 1, Integer.MAX_VALUE);
    }
}
