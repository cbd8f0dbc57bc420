package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RefreshedAheadCacheTest {

    private static final Duration TIME_TO_LIVE = Duration.ofSeconds(2);

    /** Holds every reload (a load after the first of its key) until released. */
    private final CountDownLatch reloadsMayFinish = new CountDownLatch(1);

    private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    private final Map<String, Thread> reloadThreads = new ConcurrentHashMap<>();
    private final AtomicInteger reloadsRunning = new AtomicInteger();
    private final AtomicInteger mostReloadsAtOnce = new AtomicInteger();

    /** The cache's clock, moved by the test alone: no entry ends while a reload is held. */
    private final AtomicLong nanos = new AtomicLong();

    private final LoadingCache<String, String> cache =
            RefreshedAheadCache.of(100, TIME_TO_LIVE, this::load, nanos::get);

    private void pastHalfTheTimeToLive() {
        nanos.addAndGet(TIME_TO_LIVE.dividedBy(2).plusMillis(100).toNanos());
    }

    private String load(String key) throws InterruptedException {
        int load = loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (load > 1) {
            reloadThreads.put(key, Thread.currentThread());
            mostReloadsAtOnce.accumulateAndGet(reloadsRunning.incrementAndGet(), Math::max);
            try {
                reloadsMayFinish.await(10, TimeUnit.SECONDS);
            } finally {
                reloadsRunning.decrementAndGet();
            }
        }
        return key + " v" + load;
    }

    @AfterEach
    void releaseReloads() {
        reloadsMayFinish.countDown();
    }

    @Test
    void anEntryPastHalfItsTimeToLiveIsServedWhileAVirtualThreadReloadsIt() {
        assertThat(cache.get("item")).isEqualTo("item v1");
        pastHalfTheTimeToLive();

        // the reload is held (up to 10 s), yet the reader has its answer at once
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> cache.get("item")))
                .isEqualTo("item v1");
        await().atMost(Duration.ofSeconds(5)).until(() -> reloadThreads.containsKey("item"));
        assertThat(reloadThreads.get("item").isVirtual()).isTrue();
        assertThat(reloadThreads.get("item").getName()).isEqualTo("cache-reload");

        reloadsMayFinish.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("item").equals("item v2"));
    }

    @Test
    void atMostTwoReloadsRunAtOnceSinceEachHoldsAPooledConnection() {
        for (String key : new String[] {"a", "b", "c", "d"}) {
            cache.get(key);
        }
        pastHalfTheTimeToLive();
        for (String key : new String[] {"a", "b", "c", "d"}) {
            assertThat(cache.get(key)).isEqualTo(key + " v1");
        }

        // two run, and stay two for a while: a third would have started by then
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> reloadsRunning.get() == 2);

        reloadsMayFinish.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> reloadThreads.size() == 4);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cache.getAll(List.of("a", "b", "c", "d")))
                .containsValues("a v2", "b v2", "c v2", "d v2"));
        assertThat(mostReloadsAtOnce.get()).isEqualTo(2);
    }
}
