package io.flashsale.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Names of the RabbitMQ exchanges and queues an order travels through, all derived from one
 * prefix ({@code FLASHSALE_MESSAGING_PREFIX}) so that a test or a second deployment gets its own set,
 * and the delays of the retry queues ({@code FLASHSALE_MESSAGING_RETRY_DELAYS}): a message that
 * failed for a transient reason waits in the n-th retry queue before going back to the orders
 * queues; after the last one it is dead-lettered.
 * <p>
 * Admitted orders wait in {@link #ORDER_QUEUE_SHARDS} orders queues, each order in the one its id
 * hashes to ({@link #orderQueueFor}). A classic queue is one broker process that confirms a
 * persistent message once it has synced it to disk: one queue syncs one batch at a time, four side
 * by side, which beside a busy disk confirmed sooner (docs/adr/0057).
 */
@ConfigurationProperties("flashsale.messaging")
public record OrderQueues(
        @DefaultValue("flashsale") String prefix, @DefaultValue({"1s", "5s", "25s"}) List<Duration> retryDelays) {

    /** Where the API publishes {@link OrderRequested}. */
    public String exchange() {
        return prefix + ".orders";
    }

    /**
     * How many orders queues there are. Fixed, not a setting: an API that hashed orders over more
     * queues than a worker consumes would strand orders in the others (docs/adr/0057).
     */
    public static final int ORDER_QUEUE_SHARDS = 4;

    /**
     * The orders queue of one shard (0-based, below {@link #ORDER_QUEUE_SHARDS}), which is also its
     * routing key on {@link #exchange()}. Shard 0 keeps the name of the single orders queue before
     * docs/adr/0057 ({@code <prefix>.orders}), so that orders queued by an older version are settled
     * by a new one; the others are {@code <prefix>.orders.<shard>}.
     */
    public String orderQueue(int shard) {
        if (shard < 0 || shard >= ORDER_QUEUE_SHARDS) {
            throw new IllegalArgumentException(
                    "shard must be from 0 to " + (ORDER_QUEUE_SHARDS - 1) + ", not " + shard);
        }
        return shard == 0 ? prefix + ".orders" : prefix + ".orders." + shard;
    }

    /** Every orders queue, shard 0 first: what workers consume. */
    public List<String> orderQueues() {
        return IntStream.range(0, ORDER_QUEUE_SHARDS).mapToObj(this::orderQueue).toList();
    }

    /**
     * The orders queue an order goes to, from its id as text ({@code OrderRequested.orderId}, the
     * message id): always the same queue for the same id ({@link String#hashCode} is specified), so a
     * retried copy returns to its order's queue. A message without an id goes to shard 0.
     */
    public String orderQueueFor(@Nullable String orderId) {
        return orderQueue(orderId == null ? 0 : Math.floorMod(orderId.hashCode(), ORDER_QUEUE_SHARDS));
    }

    /**
     * The queue a message waits in before its n-th retry (1-based); named by its delay. Until
     * docs/adr/0044 the retry queues were {@code <prefix>.orders.retry.<ms>ms} with a message TTL;
     * the new name lets a new version start beside those, which drain by themselves.
     */
    public String retryQueue(int retry) {
        return prefix + ".orders.retry-after." + retryDelays.get(retry - 1).toMillis() + "ms";
    }

    /** Settlement attempts before an order is dead-lettered: the first one plus one per retry delay. */
    public int maxAttempts() {
        return retryDelays.size() + 1;
    }

    /** Dead letters: orders that could not be settled, handled by the dlq role. */
    public String deadLetterExchange() {
        return prefix + ".orders.dlx";
    }

    public String deadLetterQueue() {
        return prefix + ".orders.dlq";
    }

    /** Messages even the dlq role cannot read; kept for a human, never consumed by the app. */
    public String parkingLot() {
        return prefix + ".orders.parking-lot";
    }

    public List<String> allQueues() {
        List<String> queues = new ArrayList<>(orderQueues());
        queues.addAll(List.of(deadLetterQueue(), parkingLot()));
        for (int retry = 1; retry <= retryDelays.size(); retry++) {
            queues.add(retryQueue(retry));
        }
        return queues;
    }
}
