package io.flashsale.recovery;

import io.flashsale.admission.gate.PendingReservation;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Measures the drift between the gate and PostgreSQL for one item. */
class DriftMeter {

    private static final Logger log = LoggerFactory.getLogger(DriftMeter.class);

    private final RedisGate gate;
    private final SaleCatalog catalog;

    DriftMeter(RedisGate gate, SaleCatalog catalog) {
        this.gate = gate;
        this.catalog = catalog;
    }

    /** Tokens minus what they should be: PostgreSQL's available less what is reserved and not yet settled. */
    long measure(SaleItem item) {
        long tokens = gate.tokens(item.id()).orElse(0L);
        int available = catalog.freshItem(item.id()).map(SaleItem::available).orElse(0);
        // check-only mode reserves too, for buyers served from the standby list (restock.lua)
        long reserved = gate.pendingReservations(item.id()).stream()
                .mapToLong(PendingReservation::quantity)
                .sum();
        long value = tokens - (available - reserved);
        if (value != 0) {
            log.info(
                    "Item {}: gate drift {} (tokens {}, available {}, reserved {})",
                    item.id(),
                    value,
                    tokens,
                    available,
                    reserved);
        }
        return value;
    }
}
