package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderQueues;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;

/**
 * Sends a message that failed settlement on its way: into the retry queue of its attempt while
 * attempts remain (the {@link RetryRelay} brings it back to its orders queue when it is due), else
 * to the dead-letter queue. The attempt count and the due time travel in headers. The copy is
 * confirmed before the original is acknowledged, so a crash in between duplicates a message
 * (harmless, orders are idempotent) but never loses one; if the copy cannot be handed off, the
 * original goes back to its orders queue.
 */
class OrderRetries {

    static final String ATTEMPT_HEADER = "x-flashsale-attempt";
    /** When a retry copy is due back in its orders queue, in epoch milliseconds. */
    static final String DUE_HEADER = "x-flashsale-retry-at";

    private static final Logger log = LoggerFactory.getLogger(OrderRetries.class);

    private final ConfirmedHandOff handOff;
    private final OrderQueues queues;
    private final Clock clock;

    OrderRetries(ConfirmedHandOff handOff, OrderQueues queues, Clock clock) {
        this.handOff = handOff;
        this.queues = queues;
        this.clock = clock;
    }

    void retryOrDeadLetter(Message message, Channel channel, Throwable failure) throws IOException {
        String orderId = message.getMessageProperties().getMessageId();
        int attempt = attemptOf(message);
        if (attempt >= queues.maxAttempts()) {
            log.atWarn()
                    .addKeyValue("orderId", orderId)
                    .log(
                            "Order message {} failed {} attempts, dead-lettering it: {}",
                            orderId,
                            attempt,
                            failure.toString());
            deadLetter(message, channel);
            return;
        }
        var delay = queues.retryDelays().get(attempt - 1);
        Message retry = MessageBuilder.fromClonedMessage(message)
                .setHeader(ATTEMPT_HEADER, attempt + 1)
                .setHeader(DUE_HEADER, clock.millis() + delay.toMillis())
                .build();
        if (handOff(message, retry, "", queues.retryQueue(attempt), channel)) {
            log.atInfo()
                    .addKeyValue("orderId", orderId)
                    .log(
                            "Order message {} failed attempt {}, retrying after {}: {}",
                            orderId,
                            attempt,
                            delay,
                            failure.toString());
        }
    }

    /** Moves the message to the dead-letter queue, where the dlq role writes its FAILED row. */
    void deadLetter(Message message, Channel channel) throws IOException {
        handOff(message, message, queues.deadLetterExchange(), queues.deadLetterQueue(), channel);
    }

    /** Acknowledges the original once its copy is held by the broker; else returns it to its queue. */
    private boolean handOff(Message original, Message copy, String exchange, String routingKey, Channel channel)
            throws IOException {
        long tag = original.getMessageProperties().getDeliveryTag();
        try {
            handOff.send(exchange, routingKey, copy);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not hand off order message {} to {}, returning it to the queue: {}",
                    copy.getMessageProperties().getMessageId(),
                    routingKey,
                    e.toString());
            channel.basicNack(tag, false, true);
            return false;
        }
        channel.basicAck(tag, false);
        return true;
    }

    static int attemptOf(Message message) {
        Object attempt = message.getMessageProperties().getHeaders().get(ATTEMPT_HEADER);
        return attempt instanceof Number number ? number.intValue() : 1;
    }
}
