package io.flashsale.settlement;

import io.flashsale.shared.OrderRequested;
import io.micrometer.tracing.Span;
import org.springframework.amqp.core.Message;

/** One order of a batch the worker took: the order, the message that carried it, and its span. */
record Delivery(OrderRequested order, Message message, Span span) {

    long tag() {
        return message.getMessageProperties().getDeliveryTag();
    }
}
