package io.flashsale.support;

import io.flashsale.shared.OrderQueues;
import java.util.List;
import java.util.Objects;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;

/** The orders queues taken together, as tests that count or cut them need them (docs/adr/0057). */
public final class ShardedOrderQueues {

    private ShardedOrderQueues() {}

    /** Ready messages in all the orders queues together. */
    public static long waiting(AmqpAdmin admin, OrderQueues queues) {
        return queues.orderQueues().stream()
                .mapToLong(queue ->
                        Objects.requireNonNull(admin.getQueueInfo(queue), queue).getMessageCount())
                .sum();
    }

    /** Every orders queue's binding to the orders exchange: removing them all makes any order unroutable. */
    public static List<Binding> bindings(OrderQueues queues) {
        DirectExchange exchange = new DirectExchange(queues.exchange());
        return queues.orderQueues().stream()
                .map(queue -> BindingBuilder.bind(new Queue(queue)).to(exchange).with(queue))
                .toList();
    }
}
