package io.flashsale.admission.edge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_CONCURRENCY_LIMIT_*}: the adaptive limit on purchase requests in progress at
 * once in this instance (docs/adr/0011).
 *
 * @param enabled    shed load when saturated, or queue everything (for comparison runs)
 * @param initial    the limit before any latency was measured
 * @param min        the limit never goes below this
 * @param max        the limit never goes above this
 * @param retryAfter what a shed request is told to wait
 */
@ConfigurationProperties("flashsale.concurrency-limit")
record ConcurrencyLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("40") int initial,
        @DefaultValue("20") int min,
        @DefaultValue("400") int max,
        @DefaultValue("1s") Duration retryAfter) {}
