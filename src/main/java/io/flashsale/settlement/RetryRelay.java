package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderQueues;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Brings retry copies back to their order's orders queue ({@code OrderQueues.orderQueueFor}) when they are due ({@link OrderRetries#DUE_HEADER};
 * a copy without one is due at once). One relay consumes each retry queue; every copy in a queue
 * waited the same delay, so they fall due in the order they sit there. A copy is acknowledged only
 * once that queue holds it again: this replaces the queue TTL and dead-lettering RabbitMQ
 * offers for delayed retries, which is at-most-once out of a classic queue (docs/adr/0044).
 * <p>
 * The due time was stamped by the clock of the worker that failed the order, which may run ahead
 * of this one: a relay never waits longer than the delay of the copy's queue, or one copy from a
 * fast clock would hold every copy behind it. While the relays are stopped, a copy still waiting
 * goes back to its queue at once instead of holding the relay's thread past the container's stop.
 */
class RetryRelay implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(RetryRelay.class);
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

    private final ConfirmedHandOff handOff;
    private final OrderQueues queues;
    private final Clock clock;
    private final Map<String, Long> delayOfQueue = new HashMap<>();
    private final long longestDelay;
    private final Object stopping = new Object();
    private boolean stopped;

    RetryRelay(ConfirmedHandOff handOff, OrderQueues queues, Clock clock) {
        this.handOff = handOff;
        this.queues = queues;
        this.clock = clock;
        for (int retry = 1; retry <= queues.retryDelays().size(); retry++) {
            delayOfQueue.put(
                    queues.retryQueue(retry),
                    queues.retryDelays().get(retry - 1).toMillis());
        }
        this.longestDelay =
                delayOfQueue.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    void start() {
        synchronized (stopping) {
            stopped = false;
        }
    }

    /** Ends every wait: the copies waiting go back to their queue, to be relayed when the relays run again. */
    void stop() {
        synchronized (stopping) {
            stopped = true;
            stopping.notifyAll();
        }
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException, InterruptedException {
        long tag = message.getMessageProperties().getDeliveryTag();
        if (!awaitDue(message)) {
            channel.basicNack(tag, false, true);
            return;
        }
        try {
            handOff.send(
                    queues.exchange(),
                    queues.orderQueueFor(message.getMessageProperties().getMessageId()),
                    message);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not return retry copy {} to its orders queue, will try again: {}",
                    message.getMessageProperties().getMessageId(),
                    e.toString());
            Thread.sleep(PAUSE_AFTER_FAILURE);
            channel.basicNack(tag, false, true);
            return;
        }
        channel.basicAck(tag, false);
    }

    /** Waits until the copy is due, at most its queue's delay; false if the relays were stopped meanwhile. */
    private boolean awaitDue(Message message) throws InterruptedException {
        long delay = delayOfQueue.getOrDefault(message.getMessageProperties().getConsumerQueue(), longestDelay);
        long wait = Math.min(dueAt(message) - clock.millis(), delay);
        long until = System.nanoTime() + Duration.ofMillis(Math.max(wait, 0)).toNanos();
        synchronized (stopping) {
            long left;
            while (!stopped && (left = until - System.nanoTime()) > 0) {
                stopping.wait(Duration.ofNanos(left).toMillis() + 1);
            }
            return !stopped;
        }
    }

    private static long dueAt(Message message) {
        Object due = message.getMessageProperties().getHeaders().get(OrderRetries.DUE_HEADER);
        return due instanceof Number number ? number.longValue() : 0;
    }
}
