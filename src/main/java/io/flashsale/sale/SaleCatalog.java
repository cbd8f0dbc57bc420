package io.flashsale.sale;

import com.github.benmanes.caffeine.cache.LoadingCache;
import io.flashsale.shared.RefreshedAheadCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The sale capability's entry point. Item look-ups on the purchase path and the public view of a
 * sale are served from small local caches, so that a crowd asking about one sale does not become a
 * crowd of database queries; stock figures from a cache are never used for a decision (Redis and
 * PostgreSQL decide). Unknown ids are cached too (a crowd probing ids costs nothing), which is why
 * creating a sale must clear them: every change publishes {@link SaleChanged}, after its commit,
 * and that clears this instance's caches here and the other instances' through the relay in
 * admission (docs/adr/0013).
 */
@Service
public class SaleCatalog {

    private final SaleRepository sales;
    private final SaleItemRows itemRows;
    private final LoadingCache<Long, Optional<SaleItem>> items;
    private final LoadingCache<Long, Optional<Sale>> views;
    private final LoadingCache<Boolean, List<Sale>> listing;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Duration saleTtl;

    SaleCatalog(
            SaleRepository sales,
            SaleItemRows itemRows,
            CatalogProperties settings,
            ApplicationEventPublisher events,
            Clock clock) {
        this.sales = sales;
        this.itemRows = itemRows;
        this.events = events;
        this.clock = clock;
        this.saleTtl = settings.saleTtl();
        // read by every purchase, page and listing a crowd reloads (the items: seconds of PostgreSQL
        // when settlement has its connections busy, for every purchase of the item at once)
        this.listing = RefreshedAheadCache.of(1, saleTtl, any -> sales.findNotEndedBy(clock.instant(), LISTED));
        this.items = RefreshedAheadCache.of(10_000, settings.itemTtl(), itemRows::find);
        this.views = RefreshedAheadCache.of(10_000, saleTtl, sales::findSale);
    }

    @Transactional
    public Sale create(CreateSale command) {
        long saleId = sales.insertSale(command);
        command.items().forEach(item -> sales.insertItem(saleId, item));
        Sale sale = sales.findSale(saleId).orElseThrow();
        events.publishEvent(changed(sale));
        return sale;
    }

    /** How old a sale's public view (and what other caches of sales build on it) may be. */
    public Duration saleTtl() {
        return saleTtl;
    }

    /** The public view, at most {@code FLASHSALE_CATALOG_SALE_TTL} old. */
    public Optional<Sale> cachedSale(long saleId) {
        return views.get(saleId);
    }

    /**
     * Sales not ended yet, the soonest start first, at most {@value #LISTED}: the public listing, at
     * most {@code FLASHSALE_CATALOG_SALE_TTL} old (a sale that ended since may still be in it).
     */
    public List<Sale> openAndUpcoming() {
        return listing.get(Boolean.TRUE);
    }

    static final int LISTED = 100;

    public Optional<Sale> find(long saleId) {
        return sales.findSale(saleId);
    }

    /** Item metadata for admission; may be a few seconds old. */
    public Optional<SaleItem> cachedItem(long itemId) {
        return items.get(itemId);
    }

    /** Item straight from PostgreSQL, for decisions that must not use a cached stock figure. */
    public Optional<SaleItem> freshItem(long itemId) {
        return itemRows.find(itemId);
    }

    /** Items of warmed-up sales that had not ended by {@code instant}, fresh from PostgreSQL. */
    public List<SaleItem> liveItemsEndingAfter(Instant instant) {
        return itemRows.findWarmedUpEndingAfter(instant);
    }

    /**
     * The items carrying this SKU in any sale, fresh from PostgreSQL, the latest-starting sale first
     * (at most 100): the compatibility facade names items by SKU, as the original named products.
     */
    public List<SaleItem> itemsWithSku(String sku) {
        return itemRows.findWithSku(sku);
    }

    /** Whether some sale's window contains {@code instant}, fresh from PostgreSQL. */
    public boolean anySaleOpenAt(Instant instant) {
        return sales.anySaleOpenAt(instant);
    }

    public void markWarmedUp(Sale sale) {
        sales.markWarmedUp(sale.id());
        events.publishEvent(changed(sale));
    }

    /** Forgets what this instance cached about a sale and its items. */
    public void evict(SaleChanged change) {
        listing.invalidateAll();
        views.invalidate(change.saleId());
        items.invalidateAll(change.itemIds());
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(SaleChanged change) {
        evict(change);
    }

    private static SaleChanged changed(Sale sale) {
        return new SaleChanged(
                sale.id(), sale.items().stream().map(SaleItem::id).toList());
    }
}
