package io.flashsale.recovery;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param interval           how often the leader reconciles
 * @param grace              how long past its deadline a reservation may stay pending before it is
 *                           expired (covers clock skew and a worker that is a little late)
 * @param endedSaleRetention how long after a sale ended its items are still rebuilt if Redis loses
 *                           them (their stock is read from the gate)
 */
@ConfigurationProperties("flashsale.reconciler")
public record ReconcilerProperties(
        @DefaultValue("2s") Duration interval,
        @DefaultValue("5s") Duration grace,
        @DefaultValue("24h") Duration endedSaleRetention) {

    /**
     * The reconciler's and the payment sweeper's {@code @Scheduled} delay: {@link #interval()} of this
     * record's bean, under the name {@code @ConfigurationPropertiesScan} gives it.
     */
    static final String INTERVAL = "#{@'flashsale.reconciler-io.flashsale.recovery.ReconcilerProperties'.interval()}";
}
