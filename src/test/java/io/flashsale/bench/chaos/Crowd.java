package io.flashsale.bench.chaos;

import io.flashsale.bench.chaos.SaleSetup.Item;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;

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
 *   <li>now and then an order seen earlier is looked up again;</li>
 *   <li>after a 202 the buyer waits until the order is CONFIRMED, then pays it, cancels it or
 *       lets its payment window pass (see {@link #hold});</li>
 *   <li>a buyer told SOLD_OUT often stands by, and holds the order it is served with like one it
 *       bought (see {@link #standBy}).</li>
 * </ul>
 * What follows a purchase (the payment, the standing order) runs beside the buyer's loop, which
 * goes on buying meanwhile; {@link #run} waits for it too.
 * The crowd's own choices are random per client and are not part of what a seed replays.
 */
final class Crowd {

    private static final int MAX_ATTEMPTS = 5;
    /** Buyers standing by at once, at most: each reads its standing order every 2 s. */
    private static final int MAX_STANDING = 30;

    private final ApiClient client;
    private final List<AppMember> apis;
    private final List<Item> items;
    private final long deadlineNanos;
    private final long maxRequests;
    private final long paymentWindowMs;
    private final AtomicLong chains = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final List<UUID> seenOrders = new CopyOnWriteArrayList<>();
    private final Queue<Thread> followUps = new ConcurrentLinkedQueue<>();
    /** "buyer|item" of the buyers who may be standing by: they do not buy that item meanwhile (see {@link #standBy}). */
    private final Set<String> standing = ConcurrentHashMap.newKeySet();

    private final AtomicInteger standingNow = new AtomicInteger();

    Crowd(
            ApiClient client,
            List<AppMember> apis,
            List<Item> items,
            long deadlineNanos,
            long maxRequests,
            long paymentWindowMs) {
        this.client = client;
        this.apis = apis;
        this.items = items;
        this.deadlineNanos = deadlineNanos;
        this.maxRequests = maxRequests;
        this.paymentWindowMs = paymentWindowMs;
    }

    /**
     * Runs {@code buyers} client loops; returns once every one has finished its last purchase
     * attempt and every payment and standing order that followed one is done.
     */
    void run(int buyers, long seed) throws InterruptedException {
        Thread[] threads = new Thread[buyers];
        for (int i = 0; i < buyers; i++) {
            var random = new Random(seed * 31 + i);
            threads[i] = Thread.ofVirtual().name("buyer-" + i).start(() -> loop(random));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (Thread followUp = followUps.poll(); followUp != null; followUp = followUps.poll()) {
            followUp.join();
        }
    }

    /**
     * Withdraws standing orders still waiting after the crowd stopped (a buyer whose own withdrawal
     * got no answer): units returned later would otherwise go on being served to buyers long gone.
     */
    void withdraw(Map<UUID, String> waiting) {
        var random = new Random();
        waiting.forEach((standbyId, buyer) -> {
            long chain = chains.incrementAndGet();
            retrying(random, (api, attempt) -> client.withdraw(api, chain, attempt, standbyId, buyer));
        });
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
                String buyer = buyer(random);
                if (!standing.contains(buyer + "|" + item.id())) {
                    purchase(random, item, buyer, quantity, key);
                }
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
                followUp(random, own -> hold(own, chain, answer.orderId(), buyer, item, quantity));
                return;
            }
            if (answer.status() == 409 && "SOLD_OUT".equals(answer.code())) {
                maybeStandBy(random, chain, item, buyer, quantity);
                return;
            }
            if (key == null || !answer.worthRetrying()) {
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

    /**
     * What the buyer does with an order it was told of: waits until it is CONFIRMED (a look every
     * half second, at most 10 s; under faults it may still be PENDING then, and the buyer goes on
     * anyway), then one in ten cancels it, 15 % never pay (the reconciler's timeout returns the
     * units), 8 % pay only after the window closed, the others pay in time. One payer in five pays
     * again with the same reference (a client that lost the answer), one in twenty with another.
     * An order that FAILED with SOLD_OUT (check-only mode: the gate admitted, settlement refused)
     * tells its buyer what a 409 SOLD_OUT would: the buyer may stand by ({@code item} null: an
     * order made for a standing order, whose buyer does not stand by again).
     */
    private void hold(Random random, long chain, UUID order, String buyer, Item item, int quantity) {
        Exchange settled = awaitSettled(random, chain, order, buyer);
        String seen = settled == null ? "PENDING" : settled.state();
        if (seen.equals("FAILED") && "SOLD_OUT".equals(settled.code()) && item != null) {
            maybeStandBy(random, chain, item, buyer, quantity);
            return;
        }
        if (!seen.equals("CONFIRMED") && !seen.equals("PENDING")) {
            return; // FAILED or EXPIRED: nothing to pay
        }
        double dice = random.nextDouble();
        if (dice < 0.10) {
            retrying(random, (api, attempt) -> client.cancel(api, chain, attempt, order, buyer));
            return;
        }
        if (dice < 0.25) {
            return;
        }
        if (dice < 0.33) {
            AppMember.sleep(paymentWindowMs + 1_000);
        }
        String reference = "psp-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        Exchange paid = retrying(random, (api, attempt) -> client.pay(api, chain, attempt, order, buyer, reference));
        double again = random.nextDouble();
        if (paid.status() == 200 && again < 0.25) {
            String second = again < 0.20 ? reference : reference + "-2";
            retrying(random, (api, attempt) -> client.pay(api, chain, attempt, order, buyer, second));
        }
    }

    /** The look-up that showed the order no longer PENDING; null if it still was after 10 s. */
    private Exchange awaitSettled(Random random, long chain, UUID order, String buyer) {
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < giveUp) {
            Exchange found = count(client.get(anyApi(random), chain, 0, order, buyer));
            if (found.status() == 200 && found.state() != null && !found.state().equals("PENDING")) {
                return found;
            }
            AppMember.sleep(400 + random.nextInt(200));
        }
        return null;
    }

    /** Half the buyers told SOLD_OUT stand by, unless one is standing by for the item already or too many are. */
    private void maybeStandBy(Random random, long chain, Item item, String buyer, int quantity) {
        if (random.nextBoolean()
                || System.nanoTime() > deadlineNanos
                || standingNow.get() >= MAX_STANDING
                || !standing.add(buyer + "|" + item.id())) {
            return;
        }
        standingNow.incrementAndGet();
        followUp(random, own -> {
            try {
                standBy(own, chain, item, buyer, quantity);
            } finally {
                standingNow.decrementAndGet();
            }
        });
    }

    /**
     * A standing order: left (retried like a purchase), then read every 2 s until it is no longer
     * WAITING; once SERVED, the order made for the buyer is held like a purchase. One buyer in ten
     * gives up after 2-8 s, and every one still waiting when the crowd stops withdraws. While the
     * buyer may be waiting it buys none of that item: a buyer holding more than when it stood by
     * is rightly passed over, which the in-order check could not tell from a standing order skipped.
     */
    private void standBy(Random random, long chain, Item item, String buyer, int quantity) {
        String waiting = buyer + "|" + item.id();
        Exchange left =
                retrying(random, (api, attempt) -> client.standBy(api, chain, attempt, item.id(), buyer, quantity));
        if (left.status() != 202 || left.standbyId() == null) {
            if (left.answered() && left.status() < 500 && !"ALREADY_STANDING_BY".equals(left.code())) {
                standing.remove(waiting);
            }
            return; // without an answer it may be waiting: the buyer stays off the item
        }
        UUID standbyId = left.standbyId();
        long giveUp = random.nextDouble() < 0.1
                ? System.nanoTime() + (2_000L + random.nextInt(6_000)) * 1_000_000
                : deadlineNanos;
        while (System.nanoTime() < giveUp) {
            AppMember.sleep(2_000 + random.nextInt(500));
            Exchange seen = count(client.standing(anyApi(random), chain, standbyId, buyer));
            if (seen.status() == 200 && seen.state() != null && !seen.state().equals("WAITING")) {
                ended(random, chain, waiting, seen);
                return;
            }
        }
        Exchange withdrawn = retrying(random, (api, attempt) -> client.withdraw(api, chain, attempt, standbyId, buyer));
        if (withdrawn.status() == 200) {
            standing.remove(waiting);
        } else if (withdrawn.status() == 409) {
            ended(random, chain, waiting, count(client.standing(anyApi(random), chain, standbyId, buyer)));
        }
    }

    /** A standing order seen no longer waiting: SERVED with an order to hold, EXPIRED or WITHDRAWN. */
    private void ended(Random random, long chain, String waiting, Exchange seen) {
        if (seen.status() != 200 || "WAITING".equals(seen.state())) {
            return;
        }
        standing.remove(waiting);
        if ("SERVED".equals(seen.state()) && seen.orderId() != null) {
            seenOrders.add(seen.orderId());
            hold(random, chain, seen.orderId(), seen.userId(), null, 0);
        }
    }

    /** Sends a request up to 5 times while it gets no answer or a 5xx, half the time to another api. */
    private Exchange retrying(Random random, BiFunction<AppMember, Integer, Exchange> request) {
        AppMember api = anyApi(random);
        Exchange answer = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            answer = count(request.apply(api, attempt));
            if (!answer.worthRetrying()) {
                return answer;
            }
            AppMember.sleep(100L * attempt + random.nextInt(300));
            if (random.nextBoolean()) {
                api = anyApi(random);
            }
        }
        return answer;
    }

    /** Runs {@code action} beside the buyer's loop, with a random of its own. */
    private void followUp(Random random, Consumer<Random> action) {
        long seed = random.nextLong();
        followUps.add(Thread.ofVirtual().start(() -> action.accept(new Random(seed))));
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
