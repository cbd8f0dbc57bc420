package io.flashsale.admission.edge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The HTTP edge's settings.
 *
 * @param maxBodySize {@code FLASHSALE_HTTP_MAX_BODY_SIZE}: the largest request body any endpoint reads
 * @param fairTurns   {@code FLASHSALE_HTTP_FAIR_TURNS}: requests start in the order they arrived, and a
 *                    connection served again goes to the back of the line (docs/adr/0046, 0065);
 *                    false leaves Tomcat's own order, for comparison runs
 * @param heapPerConnection {@code FLASHSALE_HTTP_HEAP_PER_CONNECTION}: the heap budgeted for each open
 *                    connection ({@link ConnectionBound}; unused if {@code server.tomcat.max-connections} is set)
 * @param heapReserve {@code FLASHSALE_HTTP_HEAP_RESERVE}: the heap kept for the application itself, outside
 *                    the connections' budget
 */
@ConfigurationProperties("flashsale.http")
record HttpLimits(
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("true") boolean fairTurns,
        @DefaultValue("160KB") DataSize heapPerConnection,
        @DefaultValue("192MB") DataSize heapReserve) {

    HttpLimits {
        if (heapPerConnection.toBytes() <= 0) {
            throw new IllegalArgumentException("flashsale.http.heap-per-connection must be positive");
        }
        if (heapReserve.toBytes() < 0) {
            throw new IllegalArgumentException("flashsale.http.heap-reserve must not be negative");
        }
    }
}
