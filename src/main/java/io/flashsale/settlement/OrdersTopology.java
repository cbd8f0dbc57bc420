package io.flashsale.settlement;

import io.flashsale.shared.OrderQueues;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queues an order travels through, declared by every process (an API started before any
 * worker must still find its messages a home). All durable; messages are published persistent.
 * <pre>
 *   orders[.1-3] ──dead letter──> dlx ──> dlq ──(unreadable)──> parking-lot
 *     ^  └─transient failure──> retry-after.&lt;delay&gt; ──when due, RetryRelay──┐
 *     └──────────────────────── back to the order's own orders queue ─────────┘
 * </pre>
 * An order goes to the one of the {@link OrderQueues#ORDER_QUEUE_SHARDS} orders queues its id
 * hashes to, and a retry copy back to the same one (docs/adr/0057).
 * Every arrow is a confirmed publish by the app followed by the acknowledgement of the original
 * ({@code ConfirmedHandOff}); the retry queues have no TTL, because RabbitMQ's dead-lettering out
 * of a classic queue is at-most-once (docs/adr/0044). The orders and retry queues keep a
 * dead-letter exchange for what the broker itself dead-letters (a quorum queue's delivery limit).
 */
@Configuration(proxyBeanMethods = false)
class OrdersTopology {

    @Bean
    Declarables orderQueueDeclarations(OrderQueues names) {
        DirectExchange orders =
                ExchangeBuilder.directExchange(names.exchange()).durable(true).build();
        DirectExchange deadLetters = ExchangeBuilder.directExchange(names.deadLetterExchange())
                .durable(true)
                .build();
        Queue deadLetterQueue = QueueBuilder.durable(names.deadLetterQueue()).build();

        List<Declarable> declarables = new ArrayList<>(List.of(
                orders,
                deadLetters,
                deadLetterQueue,
                QueueBuilder.durable(names.parkingLot()).build(),
                BindingBuilder.bind(deadLetterQueue).to(deadLetters).with(names.deadLetterQueue())));
        for (String name : names.orderQueues()) {
            Queue ordersQueue = QueueBuilder.durable(name)
                    .deadLetterExchange(names.deadLetterExchange())
                    .deadLetterRoutingKey(names.deadLetterQueue())
                    .build();
            declarables.add(ordersQueue);
            declarables.add(BindingBuilder.bind(ordersQueue).to(orders).with(name));
        }
        for (int retry = 1; retry <= names.retryDelays().size(); retry++) {
            // No TTL: a relay brings copies back. The dead-letter target only serves what the broker
            // drops by itself (a quorum queue's delivery limit): the dlq role then fails the order.
            declarables.add(QueueBuilder.durable(names.retryQueue(retry))
                    .deadLetterExchange(names.deadLetterExchange())
                    .deadLetterRoutingKey(names.deadLetterQueue())
                    .build());
        }
        return new Declarables(declarables);
    }
}
