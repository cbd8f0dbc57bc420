package io.flashsale.settlement;

import com.rabbitmq.client.Channel;
import io.flashsale.orders.SettledOrder;
import io.flashsale.settlement.BatchSettler.Settlement;
import io.flashsale.shared.OrderRequested;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
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

/**
 * What becomes of each message of a batch once its transaction committed or failed: acknowledged,
 * returned to the queue, retried later or dead-lettered (see {@link FailureKind}).
 */
class DeliveryOutcomes {

    /** The worker's logger: operators find an order's settlement lines under its name. */
    private static final Logger log = LoggerFactory.getLogger(OrderRequestListener.class);

    private final OrderRetries retries;
    private final SettlementTracing tracing;

    DeliveryOutcomes(OrderRetries retries, SettlementTracing tracing) {
        this.retries = retries;
        this.tracing = tracing;
    }

    /** PostgreSQL out of reach (or the breaker open): the batch cannot be settled now, whatever is in it. */
    static boolean isOutage(RuntimeException failure) {
        return failure instanceof CallNotPermittedException || FailureKind.of(failure) == FailureKind.DATABASE_DOWN;
    }

    /**
     * After the commit: orders naming an unknown item are dead-lettered, the others acknowledged
     * (with one frame when there is no such order: everything up to the batch's last tag on this
     * channel is this batch), and each order's outcome is logged in its trace.
     */
    void committed(Settlement settlement, List<Delivery> deliveries, Channel channel) throws IOException {
        Set<UUID> unknownItem =
                settlement.unknownItem().stream().map(OrderRequested::orderId).collect(Collectors.toSet());
        Map<UUID, SettledOrder> rows = settlement.settled().stream()
                .collect(Collectors.toMap(SettledOrder::orderId, Function.identity(), (first, second) -> first));
        for (Delivery delivery : deliveries) {
            if (unknownItem.contains(delivery.order().orderId())) {
                logFor(
                        delivery,
                        Level.WARN,
                        "Order {} names unknown item {}; dead-lettering it",
                        delivery.order().orderId(),
                        delivery.order().itemId());
                retries.deadLetter(delivery.message(), channel);
            } else {
                if (!unknownItem.isEmpty()) {
                    channel.basicAck(delivery.tag(), false);
                }
                SettledOrder row = rows.get(delivery.order().orderId());
                if (row != null) {
                    delivery.span().tag("flashsale.order.status", row.status().name());
                    logFor(
                            delivery,
                            Level.INFO,
                            "Order {} of item {} settled {}{}",
                            row.orderId(),
                            row.itemId(),
                            row.status(),
                            row.reason() == null ? "" : " (" + row.reason() + ")");
                }
            }
        }
        if (unknownItem.isEmpty()) {
            channel.basicAck(deliveries.stream().mapToLong(Delivery::tag).max().orElseThrow(), true);
        }
    }

    /** PostgreSQL out of reach: the messages go back to the queue untouched. */
    void returnToQueue(List<Delivery> deliveries, Channel channel, RuntimeException failure) throws IOException {
        log.warn("PostgreSQL unavailable; returning {} orders to the queue: {}", deliveries.size(), failure.toString());
        for (Delivery delivery : deliveries) {
            channel.basicNack(delivery.tag(), false, true);
        }
    }

    /** One order that failed on its own: dead-lettered if it can never be settled, else retried later. */
    void failed(Delivery delivery, Channel channel, RuntimeException failure) throws IOException {
        delivery.span().error(failure);
        if (FailureKind.of(failure) == FailureKind.PERMANENT) {
            logFor(
                    delivery,
                    Level.WARN,
                    "Order {} cannot be settled, dead-lettering it: {}",
                    delivery.order().orderId(),
                    failure.toString());
            retries.deadLetter(delivery.message(), channel);
        } else {
            // In the order's trace, so that the retry copy carries it on.
            try (var scope = tracing.inScope(delivery.span())) {
                retries.retryOrDeadLetter(delivery.message(), channel, failure);
            }
        }
    }

    /** A message that carries no readable order. */
    void unreadable(Message message, Channel channel) throws IOException {
        retries.deadLetter(message, channel);
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
}
