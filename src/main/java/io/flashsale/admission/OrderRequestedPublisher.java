package io.flashsale.admission;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.StandingOrderQueue;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderRequested;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.stereotype.Component;

/**
 * Publishes an admitted order as a persistent message and waits for the broker's confirm: a 202
 * is only ever given for an order RabbitMQ has taken responsibility for.
 * <p>
 * Requests do not publish themselves: they hand their message to the {@link BurstSender}, which
 * sends whatever has piled up as one burst on one channel, while each request waits here for its
 * own confirm. With one channel checked out per request the accept path stalled at about 1,000
 * orders/s on two cores (ADR 0008).
 */
@Component
public class OrderRequestedPublisher implements StandingOrderQueue {

    private static final Logger log = LoggerFactory.getLogger(OrderRequestedPublisher.class);

    public enum Outcome {
        /** The broker has the message on disk. */
        CONFIRMED,
        /** The broker certainly does not have it (refused, unroutable, or never reached). */
        REJECTED,
        /** No answer in time, or the channel closed first: the message may or may not be queued. */
        UNCONFIRMED
    }

    private final BurstSender sender;
    private final OrderMessages messages;
    private final AdmissionProperties settings;
    private final AdmissionMetrics metrics;
    private final ObservationRegistry observations;

    OrderRequestedPublisher(
            BurstSender sender,
            OrderMessages messages,
            AdmissionProperties settings,
            AdmissionMetrics metrics,
            ObservationRegistry observations) {
        this.sender = sender;
        this.messages = messages;
        this.settings = settings;
        this.metrics = metrics;
        this.observations = observations;
    }

    public Outcome publish(OrderRequested order) {
        long started = System.nanoTime();
        Outcome outcome = publishAndAwaitConfirm(order);
        metrics.publish(outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return outcome;
    }

    /** A standing order is queued as a purchase is: true only if the broker confirmed it. */
    @Override
    public boolean queue(OrderRequested order) {
        return publish(order) == Outcome.CONFIRMED;
    }

    private Outcome publishAndAwaitConfirm(OrderRequested order) {
        if (!sender.isRunning()) {
            warn(order).log("Not publishing order {}: shutting down", order.orderId());
            return Outcome.REJECTED;
        }
        Message message = messages.encode(order);
        var correlation = new CorrelationData(order.orderId().toString());
        Observation request = observations.getCurrentObservation();
        sender.submit(
                new BurstSender.Outgoing(order, message, correlation, request == null ? Observation.NOOP : request));
        try {
            var confirm =
                    correlation.getFuture().get(settings.gate().publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
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
            warn(order)
                    .log(
                            "Could not publish order {}: {}",
                            order.orderId(),
                            e.getCause().toString());
            return Outcome.REJECTED;
        } catch (TimeoutException e) {
            warn(order)
                    .log(
                            "No confirm for order {} within {}",
                            order.orderId(),
                            settings.gate().publishTimeout());
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
}
