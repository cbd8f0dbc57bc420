package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.OrderPipeline;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;

/**
 * Review of ADR 0044: each copy an app-made hop leaves in a queue must survive what the broker's
 * own dead-lettering survived: a broker restart. A transient message in a durable classic queue is
 * dropped when the broker restarts, so every copy must be published persistent; a message received
 * by Spring AMQP has its delivery mode moved to receivedDeliveryMode, and a republish of it, or of a
 * clone, goes out transient unless the mode is set again. Also, a relay must not
 * hold a copy longer than its queue's delay whatever the clock of the worker that stamped it
 * ({@link io.flashsale.settlement.RetryRelayClockSkewTest}).
 */
@FailureScenario
class HandOffReviewTest {

    private static final int PERSISTENT = 2;

    @Autowired
    SaleFixture fixture;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    OrderQueues queues;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void everythingRunsAgain() {
        pipeline().relays().start();
        pipeline().deadLetterConsumer().start();
        context.getBean("settlementContainer", Lifecycle.class).start();
    }

    @Test
    void aRetryCopyIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline().messages(queues.retryQueue(1)) == 1);
        assertThat(deliveryModeOfHead(queues.retryQueue(1)))
                .as("delivery mode of the retry copy")
                .isEqualTo(PERSISTENT);

        pipeline().relays().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aRelayedCopyIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline().messages(queues.retryQueue(1)) == 1);
        context.getBean("settlementContainer", Lifecycle.class).stop();
        pipeline().relays().start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> pipeline().messages(queues.orderQueueFor(doomed.toString())) == 1);
        assertThat(deliveryModeOfHead(queues.orderQueueFor(doomed.toString())))
                .as("delivery mode of the relayed copy")
                .isEqualTo(PERSISTENT);

        context.getBean("settlementContainer", Lifecycle.class).start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aDeadLetterIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().deadLetterConsumer().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(20)).until(() -> pipeline().messages(queues.deadLetterQueue()) == 1);
        assertThat(deliveryModeOfHead(queues.deadLetterQueue()))
                .as("delivery mode of the dead letter")
                .isEqualTo(PERSISTENT);

        pipeline().deadLetterConsumer().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
    }

    @Test
    void aParkedMessageIsPersistentSoThatABrokerRestartKeepsIt() throws Exception {
        int parkedBefore = pipeline().messages(queues.parkingLot());
        // What the api publishes is persistent; so is this garbage.
        rabbit.send(
                queues.exchange(),
                queues.orderQueue(0),
                MessageBuilder.withBody(new byte[] {0, 'x'})
                        .setMessageId("review-garbage-" + UUID.randomUUID())
                        .build());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> pipeline().messages(queues.parkingLot()) == parkedBefore + 1);
        // the parking lot is never consumed: the newest is at its tail; look at every one
        assertThat(deliveryModesOf(queues.parkingLot()))
                .as("delivery modes in the parking lot")
                .containsOnly(PERSISTENT);
    }

    /** The delivery mode the broker holds the queue's head message with; the message stays in the queue. */
    private Integer deliveryModeOfHead(String queue) throws Exception {
        try (var connection = OrderPipeline.rawConnection();
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
        try (var connection = OrderPipeline.rawConnection();
                var channel = connection.createChannel()) {
            GetResponse message;
            while ((message = channel.basicGet(queue, false)) != null) {
                modes.add(message.getProps().getDeliveryMode());
            }
        } // closing the channel returns them all
        return modes;
    }

    private OrderPipeline pipeline() {
        return new OrderPipeline(context);
    }
}
