package io.flashsale.shared;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * A cache that a crowd reads, of entries loaded from PostgreSQL: an entry past half its time to
 * live is reloaded in the background while readers go on with the one they have, and it ends at
 * its time to live. An entry that simply ended would hold every reader of it behind one query at
 * once (docs/adr/0068).
 */
public final class RefreshedAheadCache {

    /**
     * Where the reloads run: a virtual thread each, two at a time, since a reload waits for
     * PostgreSQL and shares its connection pool with settlement (a semaphore bounds them, as JEP 444
     * advises, rather than a pool of virtual threads); Caffeine's default, the common
     * fork-join pool, has a single thread on a two-core machine.
     */
    private static final Executor RELOADS = new Executor() {
        private final Semaphore running = new Semaphore(2);

        @Override
        public void execute(Runnable reload) {
            Thread.ofVirtual().name("cache-reload").start(() -> {
                running.acquireUninterruptibly();
                try {
                    reload.run();
                } finally {
                    running.release();
                }
            });
        }
    };

    private RefreshedAheadCache() {}

    /**
     * @param maximumSize entries kept at most
     * @param timeToLive  the oldest an entry is served; it is reloaded after half of it
     * @param loader      the query, run on a reader's thread only when no entry is there
     */
    public static <K, V> LoadingCache<K, V> of(long maximumSize, Duration timeToLive, CacheLoader<K, V> loader) {
        return of(maximumSize, timeToLive, loader, Ticker.systemTicker());
    }

    /** As {@link #of(long, Duration, CacheLoader)}, on the given clock (tests). */
    static <K, V> LoadingCache<K, V> of(
            long maximumSize, Duration timeToLive, CacheLoader<K, V> loader, Ticker ticker) {
        return Caffeine.newBuilder()
                .executor(RELOADS)
                .ticker(ticker)
                .maximumSize(maximumSize)
                .refreshAfterWrite(timeToLive.dividedBy(2))
                .expireAfterWrite(timeToLive)
                .build(loader);
    }
}
