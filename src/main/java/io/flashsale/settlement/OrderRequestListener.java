package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.orders.OrderMetrics.Settler;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.settlement.BatchSettler.Settlement;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderRequested;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The worker's loop: a batch of messages becomes one settlement transaction; only after the commit
 * are the messages acknowledged, and only after the acknowledgement is Redis brought in line (a
 * crash in between leaves a redelivery, which the order rows make harmless).
 * <p>
 * When a batch fails: PostgreSQL unreachable → the messages go back to the queue untouched and
 * the circuit breaker decides whether to pause consumption; otherwise the batch is split so that
 * one bad order cannot hold the others back, and each failing order is retried or dead-lettered
 * (see {@link FailureKind}); {@link DeliveryOutcomes} does what each message's fate asks.
 * <p>
 * Each order's lines are logged inside its own trace, with its id and item as fields
 * ({@link SettlementTracing}).
 */
class OrderRequestListener implements ChannelAwareBatchMessageListener {

    private static final Logger log = LoggerFactory.getLogger(OrderRequestListener.class);

    private final BatchSettler settler;
    private final CircuitBreaker databaseBreaker;
    private final DeliveryOutcomes outcomes;
    private final OrderMessages messages;
    private final ApplicationEventPublisher events;
    private final SettlementTracing tracing;
    private final SettlementMetrics metrics;
    private final OrderMetrics orderMetrics;
    private final Clock clock;

    OrderRequestListener(
            BatchSettler settler,
            CircuitBreaker databaseBreaker,
            DeliveryOutcomes outcomes,
            OrderMessages messages,
            ApplicationEventPublisher events,
            SettlementTracing tracing,
            SettlementMetrics metrics,
            OrderMetrics orderMetrics,
            Clock clock) {
        this.settler = settler;
        this.databaseBreaker = databaseBreaker;
        this.outcomes = outcomes;
        this.messages = messages;
        this.events = events;
        this.tracing = tracing;
        this.metrics = metrics;
        this.orderMetrics = orderMetrics;
        this.clock = clock;
    }

    @Override
    public void onMessageBatch(List<Message> messages, Channel channel) {
        metrics.batchTaken(messages.size());
        List<Delivery> deliveries = new ArrayList<>(messages.size());
        try {
            for (Message message : messages) {
                OrderRequested order = parse(message);
                if (order == null) {
                    outcomes.unreadable(message, channel);
                } else {
                    deliveries.add(new Delivery(order, message, tracing.continueOrder(message, order)));
                }
            }
            if (!deliveries.isEmpty()) {
                Span batch = tracing.startBatch(
                        deliveries.stream().map(Delivery::span).toList());
                try (var scope = tracing.inScope(batch)) {
                    settle(deliveries, channel);
                } finally {
                    batch.end();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Channel failed while acknowledging a batch", e);
        } finally {
            deliveries.forEach(delivery -> delivery.span().end());
        }
    }

    private void settle(List<Delivery> deliveries, Channel channel) throws IOException {
        Settlement settlement;
        long started = System.nanoTime();
        try {
            settlement = databaseBreaker.executeSupplier(() ->
                    settler.settle(deliveries.stream().map(Delivery::order).toList()));
            metrics.transaction(started, true);
        } catch (RuntimeException e) {
            metrics.transaction(started, false);
            handleFailure(deliveries, channel, e);
            return;
        }
        orderMetrics.settled(Settler.WORKER, settlement.written());
        metrics.committed(settlement.written(), clock.instant());
        outcomes.committed(settlement, deliveries, channel);
        List<Span> syncs = deliveries.stream()
                .map(delivery -> tracing.startStep(delivery.span(), "sync gate"))
                .toList();
        try {
            events.publishEvent(new OrdersSettled(settlement.settled()));
        } finally {
            syncs.forEach(Span::end);
        }
    }

    private void handleFailure(List<Delivery> deliveries, Channel channel, RuntimeException failure)
            throws IOException {
        if (DeliveryOutcomes.isOutage(failure)) {
            outcomes.returnToQueue(deliveries, channel, failure);
        } else if (deliveries.size() > 1) {
            log.warn(
                    "A batch of {} failed ({}); settling its orders one by one", deliveries.size(), failure.toString());
            for (Delivery delivery : deliveries) {
                settle(List.of(delivery), channel);
            }
        } else {
            outcomes.failed(deliveries.getFirst(), channel, failure);
        }
    }

    private OrderRequested parse(Message message) {
        try {
            return messages.decode(message);
        } catch (OrderMessages.Unreadable e) {
            log.warn("Dead-lettering an {}: {}", e.getMessage(), e.details());
            return null;
        }
    }
}
