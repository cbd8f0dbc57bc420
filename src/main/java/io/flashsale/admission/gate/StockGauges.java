package io.flashsale.admission.gate;

import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.MetricsProperties;
import io.flashsale.shared.PerItemGauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final PerItemGauge tokens;
    private final PerItemGauge available;

    StockGauges(SaleCatalog catalog, RedisGate gate, Clock clock, MeterRegistry meters) {
        this.catalog = catalog;
        this.gate = gate;
        this.clock = clock;
        this.tokens = new PerItemGauge(
                meters, "flashsale.item.tokens", "Units the Redis gate may still admit, per item of a live sale");
        this.available = new PerItemGauge(
                meters,
                "flashsale.item.available",
                "Units not sold by a confirmed order (PostgreSQL), per item of a live sale");
    }

    /** Synchronized: one poll at a time, as {@link PerItemGauge} asks of its owner. */
    @Scheduled(fixedDelayString = MetricsProperties.POLL_INTERVAL)
    synchronized void poll() {
        try {
            List<SaleItem> live = catalog.liveItemsEndingAfter(clock.instant());
            Map<Long, Long> tokensByItem = new HashMap<>();
            Map<Long, Long> availableByItem = new HashMap<>();
            for (SaleItem item : live) {
                availableByItem.put(item.id(), (long) item.available());
                // An item missing from Redis (lost, not warmed up) has no tokens series rather than a false zero.
                gate.tokens(item.id()).ifPresent(units -> tokensByItem.put(item.id(), units));
            }
            available.show(availableByItem);
            tokens.show(tokensByItem);
        } catch (RuntimeException e) {
            log.debug("Could not poll stock levels: {}", e.toString());
        }
    }
}
