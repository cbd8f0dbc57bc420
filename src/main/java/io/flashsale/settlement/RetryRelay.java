package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderQueues;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Brings retry copies back to the orders queue when they are due ({@link OrderRetries#DUE_HEADER};
 * a copy without one is due at once). One relay consumes each retry queue; every copy in a queue
 * waited the same delay, so they fall due in the order they sit there. A copy is acknowledged only
 * once the orders queue holds it again: this replaces the queue TTL and dead-lettering RabbitMQ
 * offers for delayed retries, which is at-most-once out of a classic queue (docs/adr/0044).
 */
class RetryRelay implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(RetryRelay.class);
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

    private final ConfirmedHandOff handOff;
    private final OrderQueues queues;
    private final Clock clock;

    RetryRelay(ConfirmedHandOff handOff, OrderQueues queues, Clock clock) {
        this.handOff = handOff;
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws IOException, InterruptedException {
        long tag = message.getMessageProperties().getDeliveryTag();
        long wait = dueAt(message) - clock.millis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        try {
            handOff.send(queues.exchange(), queues.queue(), message);
        } catch (RuntimeException e) {
            log.warn("Could not return retry copy {} to the orders queue, will try again: {}",
                    message.getMessageProperties().getMessageId(), e.toString());
            Thread.sleep(PAUSE_AFTER_FAILURE);
            channel.basicNack(tag, false, true);
            return;
        }
        channel.basicAck(tag, false);
    }

    private static long dueAt(Message message) {
        Object due = message.getMessageProperties().getHeaders().get(OrderRetries.DUE_HEADER);
        return due instanceof Number number ? number.longValue() : 0;
    }
}
