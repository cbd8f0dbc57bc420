package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.micrometer.observation.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sender's channel, against the real broker: a crowd of orders goes out on one channel and every
 * one is confirmed; a channel the broker closes fails only what it carried, and the next burst goes
 * out on a new one. Each test has a connection factory that counts the channels it opens, and an
 * exchange and queue of its own that nothing consumes.
 */
@FlashSaleIntegrationTest
class BurstSenderTest {

    @Autowired
    ConnectionFactory appConnections;

    @Autowired
    OrderStatusCache statuses;

    @Autowired
    OrderMessages messages;

    @Autowired
    OrderQueues appQueues;

    private final AtomicInteger channelsOpened = new AtomicInteger();
    private CachingConnectionFactory connections;
    private RabbitAdmin admin;
    private OrderQueues queues;
    private BurstSender sender;

    @BeforeEach
    void senderOnItsOwnConnection() {
        connections =
                new CachingConnectionFactory(((CachingConnectionFactory) appConnections).getRabbitConnectionFactory());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connections.setPublisherReturns(true);
        connections.addChannelListener((channel, transactional) -> channelsOpened.incrementAndGet());
        admin = new RabbitAdmin(appConnections);
        queues = new OrderQueues(appQueues.prefix() + ".burst-" + UUID.randomUUID(), appQueues.retryDelays());
        var template = new RabbitTemplate(connections);
        template.setMandatory(true);
        sender = new BurstSender(template, statuses, queues);
        sender.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        sender.stop();
        admin.deleteQueue(queues.queue());
        admin.deleteExchange(queues.exchange());
        connections.destroy();
    }

    @Test
    void aCrowdOfOrdersGoesOutOnOneChannelAndEveryOneIsConfirmed() throws Exception {
        declareQueue();
        int buyers = 50;
        int ordersEach = 40;
        List<CorrelationData> correlations = new ArrayList<>();
        try (var crowd = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<List<CorrelationData>>> sent = new ArrayList<>();
            for (int buyer = 0; buyer < buyers; buyer++) {
                String userId = "buyer-" + buyer;
                sent.add(crowd.submit(() -> {
                    List<CorrelationData> mine = new ArrayList<>();
                    for (int i = 0; i < ordersEach; i++) {
                        CorrelationData correlation = submit(userId);
                        mine.add(correlation);
                        // Each buyer waits for its confirm, as a request does, so bursts overlap with confirms.
                        correlation.getFuture().get(10, TimeUnit.SECONDS);
                    }
                    return mine;
                }));
            }
            for (var future : sent) {
                correlations.addAll(future.get(60, TimeUnit.SECONDS));
            }
        }

        assertThat(correlations).hasSize(buyers * ordersEach).allSatisfy(correlation -> {
            assertThat(correlation.getFuture().get(0, TimeUnit.SECONDS).ack()).isTrue();
            assertThat(correlation.getReturned()).isNull();
        });
        assertThat(admin.getQueueInfo(queues.queue()).getMessageCount()).isEqualTo(buyers * ordersEach);
        assertThat(channelsOpened)
                .as("a channel per burst was opened and closed while the previous one awaited its confirms")
                .hasValue(1);
    }

    @Test
    void aChannelTheBrokerClosesFailsOnlyWhatItCarried() throws Exception {
        // No exchange yet: the broker closes the channel (404), and what it carried is nacked.
        CorrelationData lost = submit("alice");
        assertThat(lost.getFuture().get(10, TimeUnit.SECONDS).ack()).isFalse();

        declareQueue();
        CorrelationData next = submit("bob");

        assertThat(next.getFuture().get(10, TimeUnit.SECONDS).ack())
                .as("the next order goes out on a new channel, not on the closed one")
                .isTrue();
        assertThat(admin.getQueueInfo(queues.queue()).getMessageCount()).isEqualTo(1);
    }

    private CorrelationData submit(String userId) {
        Instant now = Instant.now();
        var order = new OrderRequested(UUID.randomUUID(), 1, userId, 1, now, now.plus(Duration.ofMinutes(5)));
        var correlation = new CorrelationData(order.orderId().toString());
        sender.submit(new BurstSender.Outgoing(order, messages.encode(order), correlation, Observation.NOOP));
        return correlation;
    }

    private void declareQueue() {
        var exchange = new DirectExchange(queues.exchange());
        var queue = new Queue(queues.queue());
        admin.declareExchange(exchange);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with(queues.queue()));
    }
}
