package io.flashsale.settlement;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a worker batches: up to {@code batchSize} messages, or what arrived within
 * {@code batchTimeout} (100 ms, ADR 0054), settle in one transaction; {@code consumers} batches run side by side (if
 * unset, see {@link #consumers(boolean)}). While PostgreSQL is unreachable, consumption pauses and
 * one batch probes it every {@code databaseProbeInterval}. On shutdown a worker waits up to
 * {@code shutdownTimeout} for the batch in hand.
 */
@ConfigurationProperties("flashsale.settlement")
public record SettlementProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue("100ms") Duration batchTimeout,
        @Nullable Integer consumers,
        @DefaultValue("3s") Duration databaseProbeInterval,
        @DefaultValue("30s") Duration shutdownTimeout) {

    public SettlementProperties {
        // Caught here, the operator reads the setting and its value, not a failure of the listener container.
        if (batchSize < 1) {
            throw new IllegalArgumentException("flashsale.settlement.batch-size must be at least 1, not " + batchSize);
        }
        if (!batchTimeout.isPositive()) {
            throw new IllegalArgumentException(
                    "flashsale.settlement.batch-timeout must be positive, not " + batchTimeout);
        }
        if (consumers != null && consumers < 1) {
            throw new IllegalArgumentException("flashsale.settlement.consumers must be at least 1, not " + consumers);
        }
    }

    /**
     * Batches side by side: {@code consumers} if set; otherwise 4 in a process that only settles (they
     * overlap one another's round trips, ADR 0009), and
     * 1 in a process that also serves buyers, where more batches take the cores the admissions need
     * while a sale sells out and add little, as one batch settles several times faster than buyers
     * are admitted (ADR 0052).
     */
    int consumers(boolean servesBuyers) {
        if (consumers != null) {
            return consumers;
        }
        return servesBuyers ? 1 : 4;
    }

    /**
     * How many messages the broker sends ahead on each orders queue to one consumer: one batch, the
     * least Spring AMQP takes for a batch consumer. A consumer reads the four orders queues, so it
     * may hold four batches unacknowledged (2,000 at the default batch size; with one orders queue,
     * before docs/adr/0057, the limit was two batches), and the next batch is waiting when one commits.
     */
    int prefetchPerOrdersQueue() {
        return batchSize;
    }
}
