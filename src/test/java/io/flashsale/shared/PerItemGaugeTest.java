package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PerItemGaugeTest {

    /** A series of the gauge, whatever other labels (the common tag) it carries. */
    private static final Pattern SERIES = Pattern.compile("(?m)^stock_units\\{[^}]*item=\"(\\d+)\"[^}]*} (\\S+)$");

    private static final int SCRAPES = Integer.getInteger("perItemGauge.scrapes", 400);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<String> removed = new CopyOnWriteArrayList<>();
    private PerItemGauge gauge;

    @BeforeEach
    void registry() {
        registry.config().commonTags("application", "flashsale");
        registry.config().onMeterRemoved(meter -> removed.add(meter.getId().getTag("item")));
        gauge = new PerItemGauge(registry, "stock.units", "Units left");
    }

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
        assertThat(removed).containsExactly("2");

        gauge.show(Map.of());
        assertThat(scrapedValues()).isEmpty();
        assertThat(registry.find("stock.units").gauges()).isEmpty();

        gauge.show(Map.of(2L, 5L));
        assertThat(scrapedValues()).containsExactlyInAnyOrderEntriesOf(Map.of("2", 5.0));
    }

    @Test
    void anItemThatStaysKeepsItsOneSeriesWhateverItsValue() {
        gauge.show(Map.of(1L, 0L));
        Gauge first = registry.get("stock.units").tag("item", "1").gauge();

        for (long poll = 1; poll <= 100; poll++) {
            gauge.show(Map.of(1L, poll));
        }

        assertThat(registry.get("stock.units").tag("item", "1").gauge()).isSameAs(first);
        assertThat(first.value()).isEqualTo(100.0);
        assertThat(removed).isEmpty();
    }

    /** A new series shows its first value at once: a scrape in between never reads a false zero. */
    @Test
    void aNewSeriesIsRegisteredWithItsValue() {
        AtomicLong seenAtRegistration = new AtomicLong(-1);
        registry.config().onMeterAdded(meter -> seenAtRegistration.set((long) ((Gauge) meter).value()));

        gauge.show(Map.of(1L, 42L));

        assertThat(seenAtRegistration).hasValue(42);
    }

    /**
     * The poll's pattern (one item of a live sale, a new value every poll) while a registry with
     * many other meters is scraped without a pause. Micrometer's MultiGauge with overwrite fails
     * this: each poll empties the metric's collector and registers a new one, and a scrape that has
     * collected the old one can also meet the new one (the item twice: DuplicateLabelsException) or
     * meet neither (the item missing), micrometer-metrics/micrometer#6851. Removing and registering
     * the series in each {@code show} made this test fail in three runs of three (ADR 0071).
     */
    @Test
    void scrapesRunningWhileValuesChangeSeeTheItemOnceEachTime() throws InterruptedException {
        for (int other = 0; other < 1_000; other++) {
            Gauge.builder("other.figure." + other, () -> 1).register(registry);
        }
        gauge.show(Map.of(1L, 0L));
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger polls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread poller = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (polling.get()) {
                    gauge.show(Map.of(1L, (long) polls.incrementAndGet()));
                }
            } catch (RuntimeException e) {
                failures.add("poll: " + e);
            }
        });
        try {
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
                    failures.add("scrape: " + e);
                }
            }
        } finally {
            polling.set(false);
            poller.join();
        }

        assertThat(failures).isEmpty();
        assertThat(polls.get()).as("polls while scraping").isGreaterThanOrEqualTo(SCRAPES / 4);
        assertThat(removed).isEmpty();
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
