package io.flashsale.admission.gate;

import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.MetricsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.MultiGauge.Row;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Remaining units per item on sale, as the gate sees them (Redis tokens) and as the truth has them
 * (PostgreSQL available). Polled in the background so that neither a purchase nor a scrape waits
 * for Redis or PostgreSQL; an item leaves the gauges when its sale ends, so the series stay few.
 */
@Component
class StockGauges {

    private static final Logger log = LoggerFactory.getLogger(StockGauges.class);

    private final SaleCatalog catalog;
    private final RedisGate gate;
    private final Clock clock;
    private final MultiGauge tokens;
    private final MultiGauge available;

    StockGauges(SaleCatalog catalog, RedisGate gate, Clock clock, MeterRegistry meters) {
        this.catalog = catalog;
        this.gate = gate;
        this.clock = clock;
        this.tokens = MultiGauge.builder("flashsale.item.tokens")
                .description("Units the Redis gate may still admit, per item of a live sale")
                .register(meters);
        this.available = MultiGauge.builder("flashsale.item.available")
                .description("Units not sold by a confirmed order (PostgreSQL), per item of a live sale")
                .register(meters);
    }

    /**
     * Synchronized: two polls overlapping (seen in a test with a 300 ms interval on a loaded machine)
     * would register the same rows twice, and the Prometheus scrape then fails on duplicate labels.
     */
    @Scheduled(fixedDelayString = MetricsProperties.POLL_INTERVAL)
    synchronized void poll() {
        try {
            List<SaleItem> live = catalog.liveItemsEndingAfter(clock.instant());
            List<Row<?>> tokenRows = new ArrayList<>();
            List<Row<?>> availableRows = new ArrayList<>();
            for (SaleItem item : live) {
                Tags tags = Tags.of("item", Long.toString(item.id()));
                availableRows.add(Row.of(tags, item.available()));
                // An item missing from Redis (lost, not warmed up) has no tokens row rather than a false zero.
                gate.tokens(item.id()).ifPresent(units -> tokenRows.add(Row.of(tags, units)));
            }
            available.register(availableRows, true);
            tokens.register(tokenRows, true);
        } catch (RuntimeException e) {
            log.debug("Could not poll stock levels: {}", e.toString());
        }
    }
}
