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
 * re-registers every row on every call. When the metric has one series, that empties the Prometheus
 * registry's collector for it and creates a new one; a scrape running meanwhile can collect both and
 * fail with {@code DuplicateLabelsException}, or collect neither and miss the item
 * (micrometer-metrics/micrometer#6851; seen here as a 500 from {@code /actuator/prometheus}). Here a
 * series only leaves when its item does, so it returns no sooner than the caller's next poll: one
 * owner polls each name, at most one poll at a time, seconds apart (ADR 0071).
 */
public final class PerItemGauge {

    private final MeterRegistry meters;
    private final String name;
    private final String description;
    private final Map<Long, Series> shown = new HashMap<>();

    private record Series(AtomicLong value, Gauge gauge) {}

    /**
     * @param name Micrometer's dotted name, e.g. {@code flashsale.item.tokens}; this gauge must be
     *     the only owner of the name's series
     * @param description what one series measures, for {@code # HELP}
     */
    public PerItemGauge(MeterRegistry meters, String name, String description) {
        this.meters = meters;
        this.name = name;
        this.description = description;
    }

    /**
     * Makes the gauge show exactly these items: their series take the given values (registered, with
     * their value, if new), then the series of every item not in the map are removed. New series come
     * first so that a metric whose last item leaves as another arrives never has none.
     *
     * @param valueByItem item id to the value its series shows now
     */
    public synchronized void show(Map<Long, Long> valueByItem) {
        valueByItem.forEach((item, value) -> {
            Series series = shown.get(item);
            if (series == null) {
                shown.put(item, register(item, value));
            } else {
                series.value().set(value);
            }
        });
        for (Iterator<Map.Entry<Long, Series>> it = shown.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Series> entry = it.next();
            if (!valueByItem.containsKey(entry.getKey())) {
                meters.remove(entry.getValue().gauge());
                it.remove();
            }
        }
    }

    private Series register(long item, long initial) {
        // the value is set before the series exists: a scrape never reads a false zero
        AtomicLong value = new AtomicLong(initial);
        Gauge gauge = Gauge.builder(name, value, AtomicLong::get)
                .description(description)
                .tag("item", Long.toString(item))
                .strongReference(true)
                .register(meters);
        return new Series(value, gauge);
    }
}
