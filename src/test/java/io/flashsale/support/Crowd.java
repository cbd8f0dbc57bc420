package io.flashsale.support;

import io.flashsale.support.FlashSaleClient.Response;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Many buyers at once over HTTP, with a bounded number of requests in flight. */
public final class Crowd {

    private final Set<UUID> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();

    /** Sends one purchase of one unit per entry of {@code buyers}; returns when all are answered. */
    public Crowd buy(FlashSaleClient client, long itemId, List<String> buyers, int inFlight) {
        return buy(client, itemId, buyers.iterator(), inFlight);
    }

    /**
     * Keeps sending purchases from new buyers ({@code prefix-0}, {@code prefix-1}, ...) until
     * {@code enough} says so, so a fault injected while it runs always meets requests in flight,
     * however fast the machine is.
     */
    public Crowd buyUntil(FlashSaleClient client, long itemId, String prefix, int inFlight, BooleanSupplier enough) {
        var buyers =
                Stream.iterate(0, i -> i + 1).map(i -> prefix + "-" + i).takeWhile(buyer -> !enough.getAsBoolean());
        return buy(client, itemId, buyers.iterator(), inFlight);
    }

    private Crowd buy(FlashSaleClient client, long itemId, Iterator<String> buyers, int inFlight) {
        var permits = new Semaphore(inFlight);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            while (buyers.hasNext()) {
                String buyer = buyers.next();
                permits.acquireUninterruptibly();
                executor.submit(() -> {
                    try {
                        record(client.buy(itemId, buyer, 1));
                    } catch (RuntimeException e) {
                        statuses.computeIfAbsent(-1, status -> new AtomicInteger())
                                .incrementAndGet();
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        return this;
    }

    public void record(Response response) {
        statuses.computeIfAbsent(response.status(), status -> new AtomicInteger())
                .incrementAndGet();
        if (response.code() != null) {
            codes.computeIfAbsent(response.code(), code -> new AtomicInteger()).incrementAndGet();
        }
        if (response.status() == 202) {
            accepted.add(response.orderId());
        }
    }

    public Set<UUID> accepted() {
        return accepted;
    }

    /** Answers by HTTP status; -1 counts requests that got no answer at all. */
    public Map<Integer, AtomicInteger> statuses() {
        return statuses;
    }

    public int count(int status) {
        return statuses.getOrDefault(status, new AtomicInteger()).get();
    }

    public Map<String, AtomicInteger> codes() {
        return codes;
    }

    public static List<String> buyers(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> prefix + "-" + i)
                .toList();
    }
}
