package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PerItemGaugeTest {

    private static final Pattern SERIES = Pattern.compile("(?m)^stock_units\\{item=\"(\\d+)\"} (\\S+)$");

    private static final int SCRAPES = Integer.getInteger("scrapes", 400);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PerItemGauge gauge = new PerItemGauge(registry, "stock.units", "Units left");

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void showsExactlyTheItemsGivenWithTheirLatestValues() {
        gauge.show(Map.of(1L, 10L, 2L, 20L));
        assertThat(scrapedValues()).containsExactlyInAnyOrderEntriesOf(Map.of("1", 10.0, "2", 20.0));

        gauge.show(Map.of(1L, 7L, 3L, 30L));
        assertThat(scrapedValues()).containsExactlyInAnyOrderEntriesOf(Map.of("1", 7.0, "3", 30.0));

        gauge.show(Map.of());
        assertThat(scrapedValues()).isEmpty();
        assertThat(registry.find("stock.units").gauges()).isEmpty();

        gauge.show(Map.of(2L, 5L));
        assertThat(scrapedValues()).containsExactlyInAnyOrderEntriesOf(Map.of("2", 5.0));
    }

    /**
     * The poll's pattern (one item of a live sale, a new value every poll) while a registry with
     * many other meters is scraped without a pause. Micrometer's MultiGauge with overwrite fails
     * this: each poll empties the metric's collector and registers a new one, and a scrape that has
     * collected the old one also meets the new one, so the item appears twice and the scrape throws
     * DuplicateLabelsException (micrometer-metrics/micrometer#6851).
     */
    @Test
    void scrapesRunningWhileValuesChangeNeverSeeAnItemTwice() throws InterruptedException {
        for (int other = 0; other < 1_000; other++) {
            Gauge.builder("other.figure." + other, () -> 1).register(registry);
        }
        gauge.show(Map.of(1L, 0L));
        AtomicBoolean polling = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread poller = Thread.ofPlatform().start(() -> {
            for (long poll = 1; polling.get(); poll++) {
                gauge.show(Map.of(1L, poll));
            }
        });
        for (int scrape = 0; scrape < SCRAPES; scrape++) {
            try {
                Matcher series = SERIES.matcher(registry.scrape());
                int seen = 0;
                while (series.find()) {
                    seen++;
                }
                if (seen != 1) {
                    failures.add(seen + " series for one item");
                }
            } catch (RuntimeException e) {
                failures.add(e.toString());
            }
        }
        polling.set(false);
        poller.join();

        assertThat(failures).isEmpty();
    }

    private Map<String, Double> scrapedValues() {
        Map<String, Double> values = new HashMap<>();
        Matcher series = SERIES.matcher(registry.scrape());
        while (series.find()) {
            assertThat(values.put(series.group(1), Double.valueOf(series.group(2))))
                    .as("item %s appears once", series.group(1))
                    .isNull();
        }
        return values;
    }
}
