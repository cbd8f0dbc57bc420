package io.flashsale.bench.chaos;

import io.flashsale.bench.chaos.SaleSetup.Item;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The buyers: a fixed number of clients, each a loop of purchase attempts until the deadline.
 * What a buyer does is what a careful real client does when the server misbehaves:
 * <ul>
 *   <li>most purchases carry an Idempotency-Key; after no answer, a timeout or a 503 the same
 *       request (same key, same body) is sent again, half the time to another api process;</li>
 *   <li>after a 202 the order is looked up at once (GET), and sometimes the purchase is replayed
 *       on purpose, which must name the same order;</li>
 *   <li>buyers come back (a pool of ids), buy quantities up to and sometimes above the limit,
 *       and some ids carry a ':' ("tenant:user"), with keys shaped "user:key", as some clients do;</li>
 *   <li>now and then an order seen earlier is looked up again.</li>
 * </ul>
 * The crowd's own choices are random per client and are not part of what a seed replays.
 */
final class Crowd {

    private static final int MAX_ATTEMPTS = 5;

    private final ApiClient client;
    private final List<AppMember> apis;
    private final List<Item> items;
    private final long deadlineNanos;
    private final long maxRequests;
    private final AtomicLong chains = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final List<UUID> seenOrders = new CopyOnWriteArrayList<>();

    Crowd(ApiClient client, List<AppMember> apis, List<Item> items, long deadlineNanos, long maxRequests) {
        this.client = client;
        this.apis = apis;
        this.items = items;
        this.deadlineNanos = deadlineNanos;
        this.maxRequests = maxRequests;
    }

    /** Runs {@code buyers} client loops; returns once every one has finished its last purchase attempt. */
    void run(int buyers, long seed) throws InterruptedException {
        Thread[] threads = new Thread[buyers];
        for (int i = 0; i < buyers; i++) {
            var random = new Random(seed * 31 + i);
            threads[i] = Thread.ofVirtual().name("buyer-" + i).start(() -> loop(random));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private void loop(Random random) {
        while (System.nanoTime() < deadlineNanos && requests.get() < maxRequests) {
            double dice = random.nextDouble();
            if (dice < 0.05 && !seenOrders.isEmpty()) {
                UUID order = seenOrders.get(random.nextInt(seenOrders.size()));
                count(client.get(anyApi(random), chains.incrementAndGet(), 0, order, null));
            } else if (dice < 0.08) {
                keyScopeProbe(random);
            } else {
                Item item = pickItem(random);
                int quantity = random.nextDouble() < 0.03 ? item.limit() + 1 : 1 + random.nextInt(item.limit());
                String key =
                        random.nextDouble() < 0.8 ? "k" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) : null;
                purchase(random, item, buyer(random), quantity, key);
            }
            AppMember.sleep(random.nextInt(20));
        }
    }

    /**
     * Two buyers whose (buyer, key) pairs read the same once joined with ':': "t3:7" with key "K"
     * and "t3" with key "7:K". Each must get an order of its own, never the other's.
     */
    private void keyScopeProbe(Random random) {
        Item deep = items.stream()
                .filter(item -> item.name().equals("deep"))
                .findFirst()
                .orElseThrow();
        int tenant = random.nextInt(20);
        int user = random.nextInt(10);
        String key = "p" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        purchase(random, deep, "t" + tenant + ":" + user, 1, key);
        purchase(random, deep, "t" + tenant, 1, user + ":" + key);
    }

    /** One purchase attempt: the first try, its retries with the same key and body, a GET after a 202. */
    private void purchase(Random random, Item item, String buyer, int quantity, String key) {
        long chain = chains.incrementAndGet();
        AppMember api = anyApi(random);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Exchange answer = count(client.buy(api, chain, attempt, item.id(), buyer, quantity, key));
            if (answer.status() == 202) {
                lookUp(random, api, answer);
                if (key != null && random.nextDouble() < 0.15) {
                    AppMember other = anyApi(random);
                    Exchange replay = count(client.buy(other, chain, attempt + 1, item.id(), buyer, quantity, key));
                    if (replay.status() == 202) {
                        lookUp(random, other, replay);
                    }
                }
                return;
            }
            boolean worthRetrying = !answer.answered() || answer.status() == 503 || answer.status() >= 500;
            if (key == null || !worthRetrying) {
                return;
            }
            AppMember.sleep(100L * attempt + random.nextInt(300));
            if (random.nextBoolean()) {
                api = anyApi(random);
            }
        }
    }

    /** The GET right after a 202 (P1); if that api does not answer, another one is asked. */
    private void lookUp(Random random, AppMember api, Exchange accepted) {
        seenOrders.add(accepted.orderId());
        Exchange found = count(client.get(api, accepted.chain(), accepted.id(), accepted.orderId(), accepted.userId()));
        if (!found.answered() && apis.size() > 1) {
            AppMember other = apis.get((apis.indexOf(api) + 1 + random.nextInt(apis.size() - 1)) % apis.size());
            count(client.get(other, accepted.chain(), accepted.id(), accepted.orderId(), accepted.userId()));
        }
    }

    private Item pickItem(Random random) {
        double dice = random.nextDouble();
        String name = dice < 0.4 ? "deep" : dice < 0.6 ? "hot" : dice < 0.8 ? "multi" : "ending";
        return items.stream()
                .filter(item -> item.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** A returning crowd: 2,000 plain ids, and one in ten of the "tenant:user" shape. */
    private static String buyer(Random random) {
        return random.nextDouble() < 0.9
                ? "b" + random.nextInt(2_000)
                : "t" + random.nextInt(20) + ":" + random.nextInt(10);
    }

    private AppMember anyApi(Random random) {
        return apis.get(random.nextInt(apis.size()));
    }

    private Exchange count(Exchange exchange) {
        requests.incrementAndGet();
        return exchange;
    }

    long requests() {
        return requests.get();
    }
}
