package io.flashsale.admission;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes an admitted order as a persistent message and waits for the broker's confirm: a 202
 * is only ever given for an order RabbitMQ has taken responsibility for.
 * <p>
 * Requests do not publish themselves. They hand their message to one sending thread, which sends
 * whatever has piled up as one burst on one channel ({@link RabbitTemplate#invoke}), while each
 * request waits for its own confirm. RabbitMQ writes and confirms such a burst together, so a
 * crowd costs one channel and one disk flush per burst instead of one per request: with one
 * channel checked out per request the accept path stalled at about 1,000 orders/s on two cores
 * (ADR 0008). For the same reason the burst's PENDING statuses are cached first, in one Redis
 * pipeline, rather than by each request in a round trip of its own; if that fails, nothing of the
 * burst is sent and its requests withdraw.
 */
@Component
class OrderRequestedPublisher {

    private static final Logger log = LoggerFactory.getLogger(OrderRequestedPublisher.class);

    /** Most messages sent in one burst; a larger pile is sent as several. */
    private static final int MAX_BURST = 500;

    enum Outcome {
        /** The broker has the message on disk. */
        CONFIRMED,
        /** The broker certainly does not have it (refused, unroutable, or never reached). */
        REJECTED,
        /** No answer in time, or the channel closed first: the message may or may not be queued. */
        UNCONFIRMED
    }

    /** One request's message, with the request's observation (NOOP if none) so the message carries its trace. */
    private record Outgoing(OrderRequested order, Message message, CorrelationData correlation,
                            Observation requestObservation) {
    }

    private final BlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();
    private final RabbitTemplate rabbit;
    private final OrderStatusCache statuses;
    private final OrderQueues queues;
    private final JsonMapper json;
    private final AdmissionProperties settings;
    private final AdmissionMetrics metrics;
    private final ObservationRegistry observations;
    private volatile @Nullable Thread sender;

    OrderRequestedPublisher(RabbitTemplate rabbit, OrderStatusCache statuses, OrderQueues queues, JsonMapper json,
                            AdmissionProperties settings, AdmissionMetrics metrics, ObservationRegistry observations) {
        this.rabbit = rabbit;
        this.statuses = statuses;
        this.queues = queues;
        this.json = json;
        this.settings = settings;
        this.metrics = metrics;
        this.observations = observations;
    }

    @PostConstruct
    void startSending() {
        sender = Thread.ofPlatform().name("order-publisher").daemon().start(this::sendUntilStopped);
    }

    /** After the web server's graceful shutdown: no request waits any more. */
    @PreDestroy
    void stopSending() throws InterruptedException {
        Thread running = sender;
        sender = null;
        if (running != null) {
            running.interrupt();
            running.join(TimeUnit.SECONDS.toMillis(5));
        }
        List<Outgoing> unsent = new ArrayList<>();
        outgoing.drainTo(unsent);
        fail(unsent, new AmqpIOException("The publisher is shutting down", null));
    }

    Outcome publish(OrderRequested order) {
        long started = System.nanoTime();
        Outcome outcome = publishAndAwaitConfirm(order);
        metrics.publish(outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return outcome;
    }

    private Outcome publishAndAwaitConfirm(OrderRequested order) {
        if (sender == null) {
            warn(order).log("Not publishing order {}: shutting down", order.orderId());
            return Outcome.REJECTED;
        }
        Message message = MessageBuilder.withBody(json.writeValueAsBytes(order))
                .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(order.orderId().toString())
                .build();
        var correlation = new CorrelationData(order.orderId().toString());
        Observation request = observations.getCurrentObservation();
        outgoing.add(new Outgoing(order, message, correlation, request == null ? Observation.NOOP : request));
        try {
            var confirm = correlation.getFuture().get(settings.gate().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (correlation.getReturned() != null) {
                warn(order).log("Broker could not route order {}", order.orderId());
                return Outcome.REJECTED;
            }
            if (!confirm.ack()) {
                // Spring AMQP also nacks what was in flight when a channel closes; the broker may have it.
                warn(order).log("No positive confirm for order {}: {}", order.orderId(), confirm.reason());
                return Outcome.UNCONFIRMED;
            }
            return Outcome.CONFIRMED;
        } catch (ExecutionException e) {
            warn(order).log("Could not publish order {}: {}", order.orderId(), e.getCause().toString());
            return Outcome.REJECTED;
        } catch (TimeoutException e) {
            warn(order).log("No confirm for order {} within {}", order.orderId(), settings.gate().publishTimeout());
            return Outcome.UNCONFIRMED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.UNCONFIRMED;
        }
    }

    /** A warning line carrying the order's id and item as fields. */
    private static LoggingEventBuilder warn(OrderRequested order) {
        return log.atWarn().addKeyValue("orderId", order.orderId().toString()).addKeyValue("itemId", order.itemId());
    }

    private void sendUntilStopped() {
        List<Outgoing> burst = new ArrayList<>(MAX_BURST);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                burst.add(outgoing.take());
            } catch (InterruptedException e) {
                return;
            }
            outgoing.drainTo(burst, MAX_BURST - 1);
            send(burst);
            burst.clear();
        }
    }

    /**
     * Caches the burst's PENDING statuses, then sends it on one channel; the confirms complete each
     * message's future as they arrive. If sending fails part way, the messages from the failing one
     * on never reached the broker: they fail at once (the requests withdraw and answer 503). Those
     * sent before it are settled by their confirm, or by the nack Spring AMQP gives when the
     * channel closes.
     */
    private void send(List<Outgoing> burst) {
        try {
            statuses.markPending(burst.stream().map(Outgoing::order).toList());
        } catch (RuntimeException e) {
            fail(burst, e);
            return;
        }
        int[] sent = {0};
        try {
            rabbit.invoke(operations -> {
                for (Outgoing message : burst) {
                    sendInRequestTrace(operations, message);
                    sent[0]++;
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Whatever it was, the messages from the failing one on were never sent; the thread goes on.
            fail(burst.subList(sent[0], burst.size()), e);
        }
    }

    /** These messages never reached the broker: their requests withdraw and answer 503. */
    private static void fail(List<Outgoing> messages, Throwable cause) {
        messages.forEach(message -> message.correlation().getFuture().completeExceptionally(cause));
    }

    /** Sends in the request's observation, so the message carries the request's trace. */
    private void sendInRequestTrace(RabbitOperations operations, Outgoing message) {
        try (var scope = message.requestObservation().openScope()) {
            operations.send(queues.exchange(), queues.queue(), message.message(), message.correlation());
        }
    }
}
