package io.flashsale.admission;

import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes an admitted order as a persistent message and waits for the broker's confirm: a 202
 * is only ever given for an order RabbitMQ has taken responsibility for.
 */
@Component
class OrderRequestedPublisher {

    private static final Logger log = LoggerFactory.getLogger(OrderRequestedPublisher.class);

    enum Outcome {
        /** The broker has the message on disk. */
        CONFIRMED,
        /** The broker certainly does not have it (refused, unroutable, or never reached). */
        REJECTED,
        /** No answer in time: the message may or may not be queued. */
        UNCONFIRMED
    }

    private final RabbitTemplate rabbit;
    private final OrderQueues queues;
    private final JsonMapper json;
    private final AdmissionProperties settings;
    private final AdmissionMetrics metrics;

    OrderRequestedPublisher(RabbitTemplate rabbit, OrderQueues queues, JsonMapper json, AdmissionProperties settings,
                            AdmissionMetrics metrics) {
        this.rabbit = rabbit;
        this.queues = queues;
        this.json = json;
        this.settings = settings;
        this.metrics = metrics;
    }

    Outcome publish(OrderRequested order) {
        long started = System.nanoTime();
        Outcome outcome = publishAndAwaitConfirm(order);
        metrics.publish(outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return outcome;
    }

    private Outcome publishAndAwaitConfirm(OrderRequested order) {
        Message message = MessageBuilder.withBody(json.writeValueAsBytes(order))
                .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(order.orderId().toString())
                .build();
        var correlation = new CorrelationData(order.orderId().toString());
        try {
            rabbit.send(queues.exchange(), queues.queue(), message, correlation);
            var confirm = correlation.getFuture().get(settings.gate().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!confirm.ack() || correlation.getReturned() != null) {
                log.atWarn().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId())
                        .log("Broker refused order {}: {}", order.orderId(), confirm.reason());
                return Outcome.REJECTED;
            }
            return Outcome.CONFIRMED;
        } catch (AmqpException e) {
            log.atWarn().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId())
                    .log("Could not publish order {}: {}", order.orderId(), e.toString());
            return Outcome.REJECTED;
        } catch (TimeoutException | ExecutionException e) {
            log.atWarn().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId())
                    .log("No confirm for order {} within {}", order.orderId(), settings.gate().publishTimeout());
            return Outcome.UNCONFIRMED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNCONFIRMED;
        }
    }
}
