package io.flashsale.recovery;

import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.Role;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dlq role: one consumer of the dead-letter queue, acknowledging only what it handled. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.DLQ)
class DeadLetterConfiguration {

    @Bean
    SimpleMessageListenerContainer deadLetterContainer(
            ConnectionFactory connectionFactory,
            OrderQueues queues,
            OrderBook orderBook,
            SaleCatalog catalog,
            ParkingLot parkingLot,
            OrderMessages messages,
            ApplicationEventPublisher events,
            OrderMetrics orderMetrics) {
        var container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(queues.deadLetterQueue());
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setPrefetchCount(10);
        // Each dead letter is handled in the trace of its order (its headers keep the traceparent).
        container.setObservationEnabled(true);
        container.setMessageListener(
                new DeadLetterListener(orderBook, catalog, parkingLot, messages, events, orderMetrics));
        return container;
    }
}
