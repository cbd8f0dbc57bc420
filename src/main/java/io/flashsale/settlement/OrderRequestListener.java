package io.flashsale.settlement;

import io.flashsale.orders.SettledOrder;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.OrderMetrics;
import com.rabbitmq.client.Channel;
import io.flashsale.settlement.BatchSettler.Settlement;
import io.flashsale.orders.OrderMetrics.Settler;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderRequested;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.tracing.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
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
 * (see {@link FailureKind}).
 * <p>
 * Each order's lines are logged inside its own trace, with its id and item as fields
 * ({@link SettlementTracing}).
 */
class OrderRequestListener implements ChannelAwareBatchMessageListener {

    private static final Logger log = LoggerFactory.getLogger(OrderRequestListener.class);

    private record Delivery(OrderRequested order, Message message, Span span) {
    }

    private final BatchSettler settler;
    private final CircuitBreaker databaseBreaker;
    private final OrderRetries retries;
    private final OrderMessages messages;
    private final ApplicationEventPublisher events;
    private final SettlementTracing tracing;
    private final SettlementMetrics metrics;
    private final OrderMetrics orderMetrics;
    private final Clock clock;

    OrderRequestListener(BatchSettler settler, CircuitBreaker databaseBreaker, OrderRetries retries,
                         OrderMessages messages,
                         ApplicationEventPublisher events, SettlementTracing tracing, SettlementMetrics metrics,
                         OrderMetrics orderMetrics, Clock clock) {
        this.settler = settler;
        this.databaseBreaker = databaseBreaker;
        this.retries = retries;
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
                    retries.deadLetter(message, channel);
                } else {
                    deliveries.add(new Delivery(order, message, tracing.continueOrder(message, order)));
                }
            }
            if (!deliveries.isEmpty()) {
                Span batch = tracing.startBatch(deliveries.stream().map(Delivery::span).toList());
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
            settlement = databaseBreaker.executeSupplier(() -> settler.settle(deliveries.stream().map(Delivery::order).toList()));
            metrics.transaction(started, true);
        } catch (RuntimeException e) {
            metrics.transaction(started, false);
            handleFailure(deliveries, channel, e);
            return;
        }
        orderMetrics.settled(Settler.WORKER, settlement.written());
        metrics.committed(settlement.written(), clock.instant());
        Set<UUID> unknownItem = settlement.unknownItem().stream().map(OrderRequested::orderId).collect(Collectors.toSet());
        Map<UUID, SettledOrder> rows = settlement.settled().stream()
                .collect(Collectors.toMap(SettledOrder::orderId, Function.identity(), (first, second) -> first));
        for (Delivery delivery : deliveries) {
            if (unknownItem.contains(delivery.order().orderId())) {
                logFor(delivery, Level.WARN, "Order {} names unknown item {}; dead-lettering it",
                        delivery.order().orderId(), delivery.order().itemId());
                retries.deadLetter(delivery.message(), channel);
            } else {
                if (!unknownItem.isEmpty()) {
                    channel.basicAck(tag(delivery.message()), false);
                }
                SettledOrder row = rows.get(delivery.order().orderId());
                if (row != null) {
                    delivery.span().tag("flashsale.order.status", row.status().name());
                    logFor(delivery, Level.INFO, "Order {} of item {} settled {}{}", row.orderId(), row.itemId(),
                            row.status(), row.reason() == null ? "" : " (" + row.reason() + ")");
                }
            }
        }
        if (unknownItem.isEmpty()) {
            // One frame for the whole batch: everything up to its last tag on this channel is this batch.
            channel.basicAck(deliveries.stream().mapToLong(delivery -> tag(delivery.message())).max().orElseThrow(), true);
        }
        List<Span> syncs = deliveries.stream().map(delivery -> tracing.startStep(delivery.span(), "sync gate")).toList();
        try {
            events.publishEvent(new OrdersSettled(settlement.settled()));
        } finally {
            syncs.forEach(Span::end);
        }
    }

    private void handleFailure(List<Delivery> deliveries, Channel channel, RuntimeException failure) throws IOException {
        if (failure instanceof CallNotPermittedException || FailureKind.of(failure) == FailureKind.DATABASE_DOWN) {
            log.warn("PostgreSQL unavailable; returning {} orders to the queue: {}", deliveries.size(), failure.toString());
            for (Delivery delivery : deliveries) {
                channel.basicNack(tag(delivery.message()), false, true);
            }
            return;
        }
        if (deliveries.size() > 1) {
            log.warn("A batch of {} failed ({}); settling its orders one by one", deliveries.size(), failure.toString());
            for (Delivery delivery : deliveries) {
                settle(List.of(delivery), channel);
            }
            return;
        }
        Delivery delivery = deliveries.getFirst();
        delivery.span().error(failure);
        if (FailureKind.of(failure) == FailureKind.PERMANENT) {
            logFor(delivery, Level.WARN, "Order {} cannot be settled, dead-lettering it: {}",
                    delivery.order().orderId(), failure.toString());
            retries.deadLetter(delivery.message(), channel);
        } else {
            // In the order's trace, so that the retry copy carries it on.
            try (var scope = tracing.inScope(delivery.span())) {
                retries.retryOrDeadLetter(delivery.message(), channel, failure);
            }
        }
    }

    /** A line in the order's own trace (traceId, spanId), with its id and item as fields. */
    private void logFor(Delivery delivery, Level level, String message, Object... arguments) {
        try (var scope = tracing.inScope(delivery.span())) {
            log.atLevel(level)
                    .addKeyValue("orderId", delivery.order().orderId().toString())
                    .addKeyValue("itemId", delivery.order().itemId())
                    .log(message, arguments);
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

    private static long tag(Message message) {
        return message.getMessageProperties().getDeliveryTag();
    }
}
