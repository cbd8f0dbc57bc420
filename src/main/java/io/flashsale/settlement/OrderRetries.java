package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.shared.OrderQueues;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Sends a message that failed settlement on its way: into the retry queue of its attempt (TTL,
 * then back to the orders queue) while attempts remain, else to the dead-letter queue. The attempt
 * count travels in a header. The copy is confirmed before the original is acknowledged, so a crash
 * in between duplicates a message (harmless, orders are idempotent) but never loses one.
 */
class OrderRetries {

    static final String ATTEMPT_HEADER = "x-flashsale-attempt";

    private static final Logger log = LoggerFactory.getLogger(OrderRetries.class);

    private final RabbitTemplate rabbit;
    private final OrderQueues queues;

    OrderRetries(RabbitTemplate rabbit, OrderQueues queues) {
        this.rabbit = rabbit;
        this.queues = queues;
    }

    void retryOrDeadLetter(Message message, Channel channel, Throwable failure) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        int attempt = attemptOf(message);
        if (attempt >= queues.maxAttempts()) {
            log.atWarn().addKeyValue("orderId", message.getMessageProperties().getMessageId())
                    .log("Order message {} failed {} attempts, dead-lettering it: {}",
                            message.getMessageProperties().getMessageId(), attempt, failure.toString());
            channel.basicNack(tag, false, false);
            return;
        }
        Message retry = MessageBuilder.fromClonedMessage(message).setHeader(ATTEMPT_HEADER, attempt + 1).build();
        var correlation = new CorrelationData();
        try {
            rabbit.send("", queues.retryQueue(attempt), retry, correlation);
            var confirm = correlation.getFuture().get(5, TimeUnit.SECONDS);
            if (!confirm.ack()) {
                throw new IOException("retry copy not confirmed: " + confirm.reason());
            }
        } catch (Exception e) {
            log.warn("Could not schedule a retry, returning the message to the queue: {}", e.toString());
            channel.basicNack(tag, false, true);
            return;
        }
        log.atInfo().addKeyValue("orderId", message.getMessageProperties().getMessageId())
                .log("Order message {} failed attempt {}, retrying after {}: {}", message.getMessageProperties().getMessageId(),
                        attempt, queues.retryDelays().get(attempt - 1), failure.toString());
        channel.basicAck(tag, false);
    }

    static int attemptOf(Message message) {
        Object attempt = message.getMessageProperties().getHeaders().get(ATTEMPT_HEADER);
        return attempt instanceof Number number ? number.intValue() : 1;
    }
}
