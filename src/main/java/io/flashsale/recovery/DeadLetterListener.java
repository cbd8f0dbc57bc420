package io.flashsale.recovery;

import com.rabbitmq.client.Channel;
import io.flashsale.orders.FailureReason;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderRequested;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The dlq role. A dead letter is an order that will not be settled: write its FAILED row (the
 * first writer of an order's row wins, so a worker that got there first keeps its outcome), then
 * announce the row so the gate gives the reservation back, exactly once. Nothing is acknowledged
 * that was not handled: on a transient error the message goes back to the queue after a pause.
 */
class DeadLetterListener implements ChannelAwareMessageListener {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterListener.class);
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);

    private final OrderBook orderBook;
    private final SaleCatalog catalog;
    private final ParkingLot parkingLot;
    private final OrderMessages messages;
    private final ApplicationEventPublisher events;
    private final OrderMetrics orderMetrics;

    DeadLetterListener(
            OrderBook orderBook,
            SaleCatalog catalog,
            ParkingLot parkingLot,
            OrderMessages messages,
            ApplicationEventPublisher events,
            OrderMetrics orderMetrics) {
        this.orderBook = orderBook;
        this.catalog = catalog;
        this.parkingLot = parkingLot;
        this.messages = messages;
        this.events = events;
        this.orderMetrics = orderMetrics;
    }

    @Override
    public void onMessage(Message message, Channel channel) throws Exception {
        long tag = message.getMessageProperties().getDeliveryTag();
        try {
            OrderRequested order = readable(message);
            if (order != null) {
                fail(order);
            }
            channel.basicAck(tag, false);
        } catch (Exception e) {
            log.warn("Could not handle a dead letter, will try again: {}", e.toString());
            Thread.sleep(PAUSE_AFTER_FAILURE);
            channel.basicNack(tag, false, true);
        }
    }

    private void fail(OrderRequested order) {
        SettledOrder failed = SettledOrder.failed(order, FailureReason.SETTLEMENT_FAILED);
        if (orderBook.insertIfAbsent(failed)) {
            orderMetrics.settled(OrderMetrics.Settler.DLQ, List.of(failed));
        }
        SettledOrder row = orderBook.find(order.orderId()).orElseThrow();
        log.atWarn()
                .addKeyValue("orderId", order.orderId().toString())
                .addKeyValue("itemId", order.itemId())
                .log("Dead letter for order {} of item {}: settled {}", order.orderId(), order.itemId(), row.status());
        events.publishEvent(new OrdersSettled(List.of(row)));
    }

    /** An order that can have no row (garbage, or naming no item, or no units) goes to the parking lot. */
    private OrderRequested readable(Message message) {
        OrderRequested order;
        try {
            order = messages.decode(message);
        } catch (OrderMessages.Unreadable e) {
            parkingLot.park(message, e.getMessage());
            return null;
        }
        if (catalog.cachedItem(order.itemId()).isEmpty()) {
            parkingLot.park(message, "order of unknown item " + order.itemId());
            return null;
        }
        return order;
    }
}
