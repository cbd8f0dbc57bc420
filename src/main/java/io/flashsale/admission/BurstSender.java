package io.flashsale.admission;

import com.rabbitmq.client.Channel;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * The publisher's one sending thread. Requests hand it their message; it sends whatever has piled
 * up as one burst, and the broker's confirms complete each message's {@link CorrelationData} future
 * as they arrive. RabbitMQ writes and confirms such a burst together, so a crowd costs one disk
 * flush per burst instead of one per request. Every burst goes out on the same channel, held for
 * as long as it stays open ({@link RabbitTemplate#invoke}). The burst's PENDING statuses are cached
 * first, in one Redis pipeline; if that fails, nothing of the burst is sent and its requests
 * withdraw.
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
    private final OrderTraceCarrier traces;
    private volatile @Nullable Thread sender;

    BurstSender(RabbitTemplate rabbit, OrderStatusCache statuses, OrderQueues queues, OrderTraceCarrier traces) {
        this.rabbit = rabbit;
        this.statuses = statuses;
        this.queues = queues;
        this.traces = traces;
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

    /**
     * Sends every burst on one channel for as long as that channel works, then opens another. A
     * channel per burst cost two round trips to open, and Spring AMQP keeps a returned channel out
     * of its cache, on a thread of its own, until the broker has confirmed all it carried: under a
     * crowd that was hundreds of channels and threads, and confirms that came in waves (ADR 0053).
     */
    private void sendUntilStopped() {
        Burst burst = new Burst();
        boolean inHand = burst.takeNext();
        while (inHand) {
            try {
                inHand = Boolean.TRUE.equals(rabbit.invoke(channel -> sendWhileOpen(channel, burst)));
            } catch (RuntimeException e) {
                // The channel could not be opened or broke: what was not sent of this burst fails, and
                // the next burst opens a new channel. The thread goes on whatever it was.
                burst.failUnsent(e);
                inHand = burst.takeNext();
            }
        }
    }

    /**
     * Sends bursts on this channel until it closes (true: the next burst is in hand, for a new
     * channel) or the thread is interrupted (false). A channel the broker closed in between is not
     * used, so its closing fails only the messages it carried.
     */
    private boolean sendWhileOpen(RabbitOperations channel, Burst burst) {
        do {
            send(channel, burst);
            if (!burst.takeNext()) {
                return false;
            }
        } while (isOpen(channel));
        return true;
    }

    private static boolean isOpen(RabbitOperations channel) {
        try {
            return Boolean.TRUE.equals(channel.execute(Channel::isOpen));
        } catch (AmqpException e) {
            // Spring AMQP refuses any call on a publisher channel that has closed.
            return false;
        }
    }

    /**
     * Caches the burst's PENDING statuses, then sends it. If that caching fails, nothing of the burst
     * is sent and the channel goes on. If a send fails, the exception ends the channel's use: the
     * messages from the failing one on never reached the broker and fail ({@link Burst#failUnsent});
     * those sent before it are settled by their confirm, or by the nack Spring AMQP gives when the
     * channel closes.
     */
    private void send(RabbitOperations channel, Burst burst) {
        try {
            statuses.markPending(burst.messages.stream().map(Outgoing::order).toList());
        } catch (RuntimeException e) {
            burst.failUnsent(e);
            return;
        }
        for (Outgoing message : burst.messages) {
            sendInRequestTrace(channel, message);
            burst.sent++;
        }
    }

    /** The messages in hand: whatever has piled up, at most {@link #MAX_BURST}, and how many of them are sent. */
    private final class Burst {

        private final List<Outgoing> messages = new ArrayList<>(MAX_BURST);
        private int sent;

        /** Waits for the next message and takes what has piled up behind it; false once the thread is interrupted. */
        boolean takeNext() {
            messages.clear();
            sent = 0;
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            try {
                messages.add(outgoing.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            outgoing.drainTo(messages, MAX_BURST - 1);
            return true;
        }

        /** The messages not sent yet never reached the broker. */
        void failUnsent(Throwable cause) {
            fail(messages.subList(sent, messages.size()), cause);
            sent = messages.size();
        }
    }

    /** These messages never reached the broker: their requests withdraw and answer 503. */
    private static void fail(List<Outgoing> messages, Throwable cause) {
        messages.forEach(message -> message.correlation().getFuture().completeExceptionally(cause));
    }

    /** Sends in the request's observation, so the message carries the request's trace. */
    private void sendInRequestTrace(RabbitOperations operations, Outgoing message) {
        try (var scope = message.requestObservation().openScope()) {
            // the message id (the order id's text), as RetryRelay routes a retry copy
            String routingKey = queues.orderQueueFor(
                    message.message().getMessageProperties().getMessageId());
            Span publish = traces.carry(message.message(), queues.exchange(), routingKey);
            try {
                operations.send(queues.exchange(), routingKey, message.message(), message.correlation());
            } catch (RuntimeException e) {
                if (publish != null) {
                    publish.error(e);
                }
                throw e;
            } finally {
                if (publish != null) {
                    publish.end();
                }
            }
        }
    }
}
