package io.flashsale.sale;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
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
        this.listing = Caffeine.newBuilder() // read by every listing a crowd reloads: refreshed ahead, as items
                .executor(RELOADS)
                .maximumSize(1)
                .refreshAfterWrite(settings.saleTtl().dividedBy(2))
                .expireAfterWrite(settings.saleTtl())
                .build(any -> sales.findNotEndedBy(clock.instant(), LISTED));
        // Read by every purchase: an entry past half its age is reloaded in the background while
        // purchases go on with the one they have. A load in the request path would hold every
        // purchase of the item for as long as PostgreSQL takes to answer (seconds when settlement
        // has its connections busy), all at once.
        this.items = Caffeine.newBuilder()
                .executor(RELOADS)
                .maximumSize(10_000)
                .refreshAfterWrite(settings.itemTtl().dividedBy(2))
                .expireAfterWrite(settings.itemTtl())
                .build(itemRows::find);
        this.views = Caffeine.newBuilder() // read by every page a crowd reloads: refreshed ahead, as items
                .executor(RELOADS)
                .maximumSize(10_000)
                .refreshAfterWrite(settings.saleTtl().dividedBy(2))
                .expireAfterWrite(settings.saleTtl())
                .build(sales::findSale);
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

    /**
     * Where the caches of the catalog (and of the compatibility facade) reload entries ahead of
     * their end: a virtual thread each, two at a time, since a reload waits for PostgreSQL, and
     * Caffeine's default, the common fork-join pool, has a single thread on a two-core machine.
     */
    public static final Executor RELOADS = new Executor() {
        /** Reloads at once at most: they share the connection pool with settlement. */
        private final Semaphore running = new Semaphore(2);

        @Override
        public void execute(Runnable reload) {
            Thread.ofVirtual().name("catalog-reload").start(() -> {
                running.acquireUninterruptibly();
                try {
                    reload.run();
                } finally {
                    running.release();
                }
            });
        }
    };

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
