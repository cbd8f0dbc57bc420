package io.flashsale.shared;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Moves a message into a queue and returns only once the broker holds it there: published
 * mandatory, confirmed, and not returned as unroutable. Callers acknowledge the original only
 * after this returns, so a crash in between duplicates a message (harmless: orders are idempotent)
 * but never loses one. Every hop an order takes from one queue to another goes through here,
 * because RabbitMQ's own dead-lettering out of a classic queue is at-most-once (docs/adr/0044).
 * <p>
 * The copy is always published persistent: a message Spring AMQP received has its delivery mode
 * moved to {@code receivedDeliveryMode} (and so has a clone of it), and republished as it is, it
 * would go out transient, which a durable classic queue drops when the broker restarts.
 */
public class ConfirmedHandOff {

    /** How long the broker has to confirm a hand-off. */
    public static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final RabbitTemplate rabbit;

    public ConfirmedHandOff(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    /**
     * @param exchange   the exchange to publish to ({@code ""} for the default exchange)
     * @param routingKey the routing key (a queue name on the default exchange)
     * @param message    published persistent (its delivery mode is set so)
     * @throws AmqpException if the broker nacked, did not confirm within {@link #CONFIRM_TIMEOUT},
     *                       or could not route the message to any queue
     */
    public void send(String exchange, String routingKey, Message message) {
        message.getMessageProperties().setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        var correlation = new CorrelationData();
        rabbit.send(exchange, routingKey, message, correlation);
        try {
            var confirm = correlation.getFuture().get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (correlation.getReturned() != null) {
                throw new AmqpException("no queue for routing key " + routingKey + " on exchange '" + exchange + "'");
            }
            if (!confirm.ack()) {
                throw new AmqpException("broker did not confirm: " + confirm.reason());
            }
        } catch (ExecutionException e) {
            throw new AmqpException("could not publish: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AmqpException("no confirm within " + CONFIRM_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmqpException("interrupted while awaiting a confirm", e);
        }
    }
}
