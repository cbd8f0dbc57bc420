package io.flashsale.shared;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_METRICS_POLL_INTERVAL}: how often the gauges that ask a backing service (units
 * left in the gate, queue depths) ask it again; a scrape reads their last figures.
 */
@ConfigurationProperties("flashsale.metrics")
public record MetricsProperties(@DefaultValue("5s") Duration pollInterval) {

    /**
     * The gauges' {@code @Scheduled} delay: {@link #pollInterval()} of this record's bean, under the
     * name {@code @ConfigurationPropertiesScan} gives it.
     */
    public static final String POLL_INTERVAL =
            "#{@'flashsale.metrics-io.flashsale.shared.MetricsProperties'.pollInterval()}";
}
