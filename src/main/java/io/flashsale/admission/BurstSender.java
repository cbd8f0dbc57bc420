package io.flashsale.admission;

import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.micrometer.observation.Observation;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * The publisher's one sending thread. Requests hand it their message; it sends whatever has piled
 * up as one burst on one channel ({@link RabbitTemplate#invoke}), and the broker's confirms complete
 * each message's {@link CorrelationData} future as they arrive. RabbitMQ writes and confirms such a
 * burst together, so a crowd costs one channel and one disk flush per burst instead of one per
 * request. The burst's PENDING statuses are cached first, in one Redis pipeline; if that fails,
 * nothing of the burst is sent and its requests withdraw.
 */
@Component
class BurstSender {

    /** Most messages sent in one burst; a larger pile is sent as several. */
    private static final int MAX_BURST = 500;

    /** One request's message, with the request's observation (NOOP if none) so the message carries its trace. */
    record Outgoing(
            OrderRequested order, Message message, CorrelationData correlation, Observation requestObservation) {}

    private final BlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();
    private final RabbitTemplate rabbit;
    private final OrderStatusCache statuses;
    private final OrderQueues queues;
    private volatile @Nullable Thread sender;

    BurstSender(RabbitTemplate rabbit, OrderStatusCache statuses, OrderQueues queues) {
        this.rabbit = rabbit;
        this.statuses = statuses;
        this.queues = queues;
    }

    @PostConstruct
    void start() {
        sender = Thread.ofPlatform().name("order-publisher").daemon().start(this::sendUntilStopped);
    }

    /** After the web server's graceful shutdown: no request waits any more. */
    @PreDestroy
    void stop() throws InterruptedException {
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

    boolean isRunning() {
        return sender != null;
    }

    /** Queues the message for the next burst; its correlation's future completes with the confirm. */
    void submit(Outgoing message) {
        outgoing.add(message);
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
     * Caches the burst's PENDING statuses, then sends it on one channel. If sending fails part way,
     * the messages from the failing one on never reached the broker: they fail at once (the requests
     * withdraw and answer 503). Those sent before it are settled by their confirm, or by the nack
     * Spring AMQP gives when the channel closes.
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
