package io.flashsale.admission.gate;

import io.flashsale.sale.Sale;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Loads a sale's items from PostgreSQL into the gate, each from one snapshot ({@link GateSnapshots}).
 * Idempotent: a second call keeps reservations. The reconciler calls it to rebuild an item Redis lost.
 */
@Service
public class GateWarmup {

    private static final Logger log = LoggerFactory.getLogger(GateWarmup.class);

    private final SaleCatalog catalog;
    private final GateSnapshots snapshots;
    private final RedisGate gate;
    private final Clock clock;

    GateWarmup(SaleCatalog catalog, GateSnapshots snapshots, RedisGate gate, Clock clock) {
        this.catalog = catalog;
        this.snapshots = snapshots;
        this.gate = gate;
        this.clock = clock;
    }

    public record WarmedItem(long itemId, long tokens) {}

    public record WarmedSale(long saleId, List<WarmedItem> items) {}

    public WarmedSale warmUp(long saleId) {
        Sale sale = catalog.find(saleId).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No sale " + saleId));
        if (sale.hasEnded(clock.instant())) {
            throw new ApiException(ErrorCode.SALE_NOT_ACTIVE, "The sale ended at " + sale.endsAt());
        }
        List<WarmedItem> items = sale.items().stream()
                .map(item -> new WarmedItem(item.id(), gate.load(item, snapshots.of(item))))
                .toList();
        catalog.markWarmedUp(sale);
        log.info("Warmed up sale {}: {}", saleId, items);
        return new WarmedSale(saleId, items);
    }

    /**
     * Rebuilds one item Redis lost, even after its sale ended: orders admitted before the end may
     * still settle, and the gate must count them. Returns the tokens.
     */
    public long restore(SaleItem item) {
        return gate.load(item, snapshots.of(item));
    }

    /** What PostgreSQL says of the item now, in one snapshot (for the reconciler's repair). */
    public GateSnapshot snapshotOf(SaleItem item) {
        return snapshots.of(item);
    }
}
