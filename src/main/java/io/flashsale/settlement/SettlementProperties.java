package io.flashsale.settlement;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a worker batches: up to {@code batchSize} messages, or what arrived within
 * {@code batchTimeout}, settle in one transaction; {@code consumers} batches run side by side.
 * While PostgreSQL is unreachable, consumption pauses and one batch probes it every
 * {@code databaseProbeInterval}. On shutdown a worker waits up to {@code shutdownTimeout} for the
 * batch in hand.
 */
@ConfigurationProperties("flashsale.settlement")
public record SettlementProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue("20ms") Duration batchTimeout,
        @DefaultValue("4") int consumers,
        @DefaultValue("3s") Duration databaseProbeInterval,
        @DefaultValue("30s") Duration shutdownTimeout) {

    /** The broker sends ahead twice a batch, so the next batch is waiting when one commits. */
    int prefetch() {
        return batchSize * 2;
    }
}
