package io.flashsale.shared;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one format of an order message on RabbitMQ: an {@link OrderRequested} as JSON, persistent,
 * with the order id as message id. The api writes it; the worker and the dead-letter handler read it.
 */
@Component
public class OrderMessages {

    private final JsonMapper json;

    OrderMessages(JsonMapper json) {
        this.json = json;
    }

    public Message encode(OrderRequested order) {
        return MessageBuilder.withBody(json.writeValueAsBytes(order))
                .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                .setMessageId(order.orderId().toString())
                .build();
    }

    /**
     * @return the order the message carries
     * @throws Unreadable if the body is not an order, or lacks what an order row needs
     *                    ({@link OrderRequested#isWellFormed()})
     */
    public OrderRequested decode(Message message) {
        OrderRequested order;
        try {
            order = json.readValue(message.getBody(), OrderRequested.class);
        } catch (JacksonException e) {
            throw new Unreadable("not an order message", e.getOriginalMessage());
        }
        if (order == null || !order.isWellFormed()) {
            throw new Unreadable("order message with missing or invalid fields", String.valueOf(order));
        }
        return order;
    }

    /** A message no order row can be made of; {@link #getMessage()} says why in a few words. */
    public static final class Unreadable extends RuntimeException {

        private final String details;

        Unreadable(String why, String details) {
            super(why, null, false, false);
            this.details = details;
        }

        /** What was wrong, in detail (the parser's message, or the fields read): for logs. */
        public String details() {
            return details;
        }
    }
}
