package io.flashsale.settlement;

import io.flashsale.orders.SettledOrder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The worker's meters: how big its batches are, how long the transaction takes, and how long an
 * order waited between admission and its commit (the age of the queue, as the worker sees it).
 */
class SettlementMetrics {

    private final DistributionSummary batchSize;
    private final Timer committed;
    private final Timer failed;
    private final Timer lag;

    SettlementMetrics(MeterRegistry meters) {
        batchSize = DistributionSummary.builder("flashsale.settlement.batch.size")
                .description("Order messages a worker took in one batch")
                .baseUnit("messages")
                .serviceLevelObjectives(1, 2, 5, 10, 25, 50, 100, 200, 500, 1000)
                .register(meters);
        committed = batchTimer(meters, "committed");
        failed = batchTimer(meters, "failed");
        lag = Timer.builder("flashsale.settlement.lag")
                .description("Time from an order's admission to the commit of its row by a worker")
                .serviceLevelObjectives(
                        millis(10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000))
                .register(meters);
    }

    void batchTaken(int messages) {
        batchSize.record(messages);
    }

    void transaction(long startedNanos, boolean success) {
        (success ? committed : failed).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    void committed(Collection<SettledOrder> written, Instant now) {
        for (SettledOrder order : written) {
            Duration waited = Duration.between(order.requestedAt(), now);
            lag.record(waited.isNegative() ? Duration.ZERO : waited);
        }
    }

    private static Timer batchTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("flashsale.settlement.batch.duration")
                .description("One settlement transaction: lock, decide, insert, deduct, commit")
                .tag("outcome", outcome)
                .serviceLevelObjectives(millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500))
                .register(meters);
    }

    private static Duration[] millis(long... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofMillis(values[i]);
        }
        return durations;
    }
}
