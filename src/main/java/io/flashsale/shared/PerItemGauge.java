package io.flashsale.shared;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge with one series per item (tag {@code item}), for figures polled in the background: each
 * series is registered once, when its item first appears, updated in place after that, and removed
 * when its item is no longer shown.
 *
 * <p>Why not Micrometer's {@code MultiGauge}: in 1.17.2, {@code register(rows, true)} removes and
 * re-registers every row on every call. A Prometheus scrape that runs meanwhile can meet the old and
 * the new series of one item together and fail with {@code DuplicateLabelsException}
 * (micrometer-metrics/micrometer#6851; seen here as a 500 from {@code /actuator/prometheus} in
 * {@code MetricsScrapeTest}). Here an item's series is only removed in one call and registered again
 * in a later one, never both in the same call.
 */
public final class PerItemGauge {

    private final MeterRegistry meters;
    private final String name;
    private final String description;
    private final Map<Long, Series> shown = new HashMap<>();

    private record Series(AtomicLong value, Gauge gauge) {}

    /**
     * @param name Micrometer's dotted name, e.g. {@code flashsale.item.tokens}
     * @param description what one series measures, for {@code # HELP}
     */
    public PerItemGauge(MeterRegistry meters, String name, String description) {
        this.meters = meters;
        this.name = name;
        this.description = description;
    }

    /**
     * Makes the gauge show exactly these items: their series take the given values (registered if
     * new), and the series of every item not in the map are removed.
     *
     * @param valueByItem item id to the value its series shows now
     */
    public synchronized void show(Map<Long, Long> valueByItem) {
        for (Iterator<Map.Entry<Long, Series>> it = shown.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Series> entry = it.next();
            if (!valueByItem.containsKey(entry.getKey())) {
                meters.remove(entry.getValue().gauge());
                it.remove();
            }
        }
        valueByItem.forEach((item, value) ->
                shown.computeIfAbsent(item, this::register).value().set(value));
    }

    private Series register(long item) {
        AtomicLong value = new AtomicLong();
        Gauge gauge = Gauge.builder(name, value, AtomicLong::get)
                .description(description)
                .tag("item", Long.toString(item))
                .strongReference(true)
                .register(meters);
        return new Series(value, gauge);
    }
}
