package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleInvariants;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Review of ADR 0044: each copy an app-made hop leaves in a queue must survive what the broker's
 * own dead-lettering survived: a broker restart. A transient message in a durable classic queue is
 * dropped when the broker restarts, so every copy must be published persistent; a message received
 * by Spring AMQP has its delivery mode moved to receivedDeliveryMode, and a republish of it, or of a
 * clone, goes out transient unless the mode is set again. Also, a relay must not
 * hold a copy longer than its queue's delay whatever the clock of the worker that stamped it
 * ({@link RetryRelayClockSkewTest}).
 */
@FailureScenario
class HandOffReviewTest {

    private static final int PERSISTENT = 2;

    @LocalServerPort
    int port;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    OrderQueues queues;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void everythingRunsAgain() {
        relays().start();
        lifecycle("deadLetterContainer").start();
        lifecycle("settlementContainer").start();
    }

    @Test
    void aRetryCopyIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN);
        var item = client.openSale(1, 1);
        relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> messages(queues.retryQueue(1)) == 1);
        assertThat(deliveryModeOfHead(queues.retryQueue(1)))
                .as("delivery mode of the retry copy")
                .isEqualTo(PERSISTENT);

        relays().start();
        awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aRelayedCopyIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN);
        var item = client.openSale(1, 1);
        relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> messages(queues.retryQueue(1)) == 1);
        lifecycle("settlementContainer").stop();
        relays().start();
        await().atMost(Duration.ofSeconds(10)).until(() -> messages(queues.queue()) == 1);
        assertThat(deliveryModeOfHead(queues.queue()))
                .as("delivery mode of the relayed copy")
                .isEqualTo(PERSISTENT);

        lifecycle("settlementContainer").start();
        awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aDeadLetterIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN);
        var item = client.openSale(1, 1);
        lifecycle("deadLetterContainer").stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(20)).until(() -> messages(queues.deadLetterQueue()) == 1);
        assertThat(deliveryModeOfHead(queues.deadLetterQueue()))
                .as("delivery mode of the dead letter")
                .isEqualTo(PERSISTENT);

        lifecycle("deadLetterContainer").start();
        awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aParkedMessageIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        int parkedBefore = messages(queues.parkingLot());
        // What the api publishes is persistent; so is this garbage.
        rabbit.send(
                queues.exchange(),
                queues.queue(),
                MessageBuilder.withBody(new byte[] {0, 'x'})
                        .setMessageId("review-garbage-" + UUID.randomUUID())
                        .build());
        await().atMost(Duration.ofSeconds(20)).until(() -> messages(queues.parkingLot()) == parkedBefore + 1);
        // the parking lot is never consumed: the newest is at its tail; look at every one
        assertThat(deliveryModesOf(queues.parkingLot()))
                .as("delivery modes in the parking lot")
                .containsOnly(PERSISTENT);
    }

    private void awaitFailedAndCompensated(UUID orderId, long itemId) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(jdbc.sql(
                                "SELECT status || '/' || reason FROM orders WHERE order_id = ? AND compensated_at IS NOT NULL")
                        .param(orderId)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED/SETTLEMENT_FAILED"));
        new SaleInvariants(jdbc, redis, gate.keys())
                .awaitQuietAndAssert(itemId, Set.of(orderId), Duration.ofSeconds(30));
    }

    /** The delivery mode the broker holds the queue's head message with; the message stays in the queue. */
    private Integer deliveryModeOfHead(String queue) throws Exception {
        try (var connection = rawConnection();
                var channel = connection.createChannel()) {
            GetResponse head = channel.basicGet(queue, false);
            assertThat(head).as("a message in " + queue).isNotNull();
            Integer mode = head.getProps().getDeliveryMode();
            channel.basicNack(head.getEnvelope().getDeliveryTag(), false, true);
            return mode;
        }
    }

    private java.util.List<Integer> deliveryModesOf(String queue) throws Exception {
        var modes = new java.util.ArrayList<Integer>();
        try (var connection = rawConnection();
                var channel = connection.createChannel()) {
            GetResponse message;
            while ((message = channel.basicGet(queue, false)) != null) {
                modes.add(message.getProps().getDeliveryMode());
            }
        } // closing the channel returns them all
        return modes;
    }

    /** Not through the app's caching factory, whose channels are not closed by close(). */
    private static com.rabbitmq.client.Connection rawConnection() throws Exception {
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        return factory.newConnection();
    }

    private int messages(String queue) {
        return (int) new RabbitAdmin(connectionFactory).getQueueInfo(queue).getMessageCount();
    }

    private Lifecycle relays() {
        return lifecycle("retryRelays");
    }

    private Lifecycle lifecycle(String bean) {
        return context.getBean(bean, Lifecycle.class);
    }
}
