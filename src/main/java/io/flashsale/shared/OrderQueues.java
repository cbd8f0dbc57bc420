package io.flashsale.shared;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Names of the RabbitMQ exchanges and queues an order travels through, all derived from one
 * prefix ({@code FLASHSALE_MESSAGING_PREFIX}) so that a test or a second deployment gets its own set,
 * and the delays of the retry queues ({@code FLASHSALE_MESSAGING_RETRY_DELAYS}): a message that
 * failed for a transient reason waits in the n-th retry queue before going back to the orders
 * queue; after the last one it is dead-lettered.
 */
@ConfigurationProperties("flashsale.messaging")
public record OrderQueues(
        @DefaultValue("flashsale") String prefix, @DefaultValue({"1s", "5s", "25s"}) List<Duration> retryDelays) {

    /** Where the API publishes {@link OrderRequested}. */
    public String exchange() {
        return prefix + ".orders";
    }

    /** What workers consume. */
    public String queue() {
        return prefix + ".orders";
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
        List<String> queues = new ArrayList<>(List.of(queue(), deadLetterQueue(), parkingLot()));
        for (int retry = 1; retry <= retryDelays.size(); retry++) {
            queues.add(retryQueue(retry));
        }
        return queues;
    }
}
