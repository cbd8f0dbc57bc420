package io.flashsale.admission.legacy;

import com.github.benmanes.caffeine.cache.LoadingCache;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleChanged;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.shared.RefreshedAheadCache;
import io.flashsale.shared.StorableText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The original's {@code product_id} is a catalog product, stable across sales; here it is the SKU of
 * an item. It names the item of the sale open now that carries that SKU; when several open sales
 * carry it, a warmed-up sale before one that is not, then the sale that started last, then the
 * highest sale id (docs/adr/0045). Look-ups are cached for {@code FLASHSALE_CATALOG_SALE_TTL} and
 * dropped when a sale of this instance changes.
 */
@Component
class LegacyProducts {

    /** What a {@code product_id} names now: an item, or why there is none (an original status). */
    record Resolution(SaleItem item, String refusal) {}

    static final String STOCK_NOT_FOUND = "STOCK_NOT_FOUND";
    static final String NOT_STARTED = "not_started";

    private static final Comparator<SaleItem> PREFERRED = Comparator.comparing(
                    (SaleItem item) -> item.saleStatus() == SaleStatus.WARMED_UP)
            .thenComparing(SaleItem::startsAt)
            .thenComparingLong(SaleItem::saleId)
            .reversed();

    private final Clock clock;
    private final LoadingCache<String, List<SaleItem>> bySku;
    private final LoadingCache<Boolean, Boolean> anyOpen;

    LegacyProducts(SaleCatalog catalog, Clock clock) {
        Duration ttl = catalog.saleTtl();
        this.clock = clock;
        // read by every purchase of the facade
        this.bySku = RefreshedAheadCache.of(10_000, ttl, catalog::itemsWithSku);
        this.anyOpen = RefreshedAheadCache.of(1, ttl, key -> catalog.anySaleOpenAt(clock.instant()));
    }

    /**
     * The item to buy for {@code productId}, or the original's answer when there is none:
     * {@code STOCK_NOT_FOUND} when its sale is open but not warmed up, or no sale carries the SKU
     * while some sale is open; {@code not_started} when only sales outside their window carry it,
     * or no sale is open at all.
     */
    Resolution resolve(String productId) {
        Instant now = clock.instant();
        List<SaleItem> candidates = candidates(productId);
        Optional<SaleItem> open = openAt(candidates, now);
        if (open.isPresent()) {
            return open.get().saleStatus() == SaleStatus.WARMED_UP
                    ? new Resolution(open.get(), null)
                    : new Resolution(null, STOCK_NOT_FOUND);
        }
        if (!candidates.isEmpty()) {
            return new Resolution(null, NOT_STARTED);
        }
        return new Resolution(null, anyOpen.get(Boolean.TRUE) ? STOCK_NOT_FOUND : NOT_STARTED);
    }

    /** The warmed-up item of a sale open now carrying this SKU, if any. */
    Optional<SaleItem> openItem(String productId) {
        return openAt(candidates(productId), clock.instant()).filter(item -> item.saleStatus() == SaleStatus.WARMED_UP);
    }

    private List<SaleItem> candidates(String productId) {
        // a SKU is 1-64 storable characters: anything else names no item, and is not sent to PostgreSQL
        if (productId.isEmpty() || productId.length() > 64 || !StorableText.Validator.isStorable(productId)) {
            return List.of();
        }
        return bySku.get(productId);
    }

    private static Optional<SaleItem> openAt(List<SaleItem> candidates, Instant now) {
        return candidates.stream().filter(item -> item.isOpenAt(now)).min(PREFERRED);
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(SaleChanged change) {
        bySku.invalidateAll();
        anyOpen.invalidateAll();
    }
}
