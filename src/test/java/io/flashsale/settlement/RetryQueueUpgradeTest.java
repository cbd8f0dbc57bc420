package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.InProcessApp;
import io.flashsale.support.IsolatedEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The new version started on a broker that still has the previous version's retry queues
 * ({@code <p>.orders.retry.<ms>ms}, a message TTL and a dead-letter target back to the orders
 * queue), one of them holding a copy: the new version declares its own, TTL-less retry queues
 * beside them, so it starts and retries through its own, while the old ones drain into the orders
 * queue by themselves (docs/adr/0044).
 */
class RetryQueueUpgradeTest {

    private static final List<Duration> DELAYS =
            List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    private static final int OLD_TTL_MS = 2_000;

    private final String name =
            "it_u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final OrderQueues queues = new OrderQueues(name, DELAYS);

    private static String oldRetryQueue(String prefix, int retry) {
        return prefix + ".orders.retry." + DELAYS.get(retry - 1).toMillis() + "ms";
    }

    @BeforeEach
    void createEnvironmentWithTheOldRetryQueues() throws Exception {
        IsolatedEnvironment.createDatabase(name);
        try (var connection = rabbit().newConnection();
                var channel = connection.createChannel()) {
            // The whole topology as the previous version declared it.
            channel.exchangeDeclare(queues.exchange(), "direct", true);
            channel.exchangeDeclare(queues.deadLetterExchange(), "direct", true);
            channel.queueDeclare(
                    queues.orderQueue(0),
                    true,
                    false,
                    false,
                    Map.of(
                            "x-dead-letter-exchange", queues.deadLetterExchange(),
                            "x-dead-letter-routing-key", queues.deadLetterQueue()));
            channel.queueDeclare(queues.deadLetterQueue(), true, false, false, null);
            channel.queueDeclare(queues.parkingLot(), true, false, false, null);
            channel.queueBind(queues.orderQueue(0), queues.exchange(), queues.orderQueue(0));
            channel.queueBind(queues.deadLetterQueue(), queues.deadLetterExchange(), queues.deadLetterQueue());
            for (int retry = 1; retry <= DELAYS.size(); retry++) {
                channel.queueDeclare(
                        oldRetryQueue(name, retry),
                        true,
                        false,
                        false,
                        Map.of(
                                "x-message-ttl", OLD_TTL_MS,
                                "x-dead-letter-exchange", queues.exchange(),
                                "x-dead-letter-routing-key", queues.orderQueue(0)));
            }
        }
    }

    @AfterEach
    void removeEnvironment() throws Exception {
        try (var connection = rabbit().newConnection();
                var channel = connection.createChannel()) {
            for (int retry = 1; retry <= DELAYS.size(); retry++) {
                channel.queueDelete(oldRetryQueue(name, retry));
            }
        }
        IsolatedEnvironment.removeEverythingOf(name, queues);
    }

    @Test
    void theNewVersionRetriesThroughItsOwnQueuesWhileTheOldOnesDrain() throws Exception {
        try (InProcessApp app = InProcessApp.start(
                name,
                Map.of(
                        "spring.profiles.active", "fault-injection",
                        "flashsale.faults.fail-settlement-of-user", FailureScenario.DOOMED_BUYER,
                        "flashsale.messaging.retry-delays", "200ms,400ms,800ms",
                        "flashsale.reconciler.interval", "1h"),
                context -> {})) {
            var client = app.client();
            var item = client.openSale(2, 1);
            JdbcClient jdbc = app.context().getBean(JdbcClient.class);

            // A retry copy the old version left behind, still waiting out its TTL.
            UUID leftBehind = UUID.randomUUID();
            try (var connection = rabbit().newConnection();
                    var channel = connection.createChannel()) {
                String order = "{\"orderId\":\"" + leftBehind + "\",\"itemId\":" + item.itemId()
                        + ",\"userId\":\"carol\",\"quantity\":1,\"requestedAt\":\"" + Instant.now()
                        + "\",\"deadline\":null}";
                channel.basicPublish(
                        "",
                        oldRetryQueue(name, 1),
                        new AMQP.BasicProperties.Builder()
                                .deliveryMode(2)
                                .contentType("application/json")
                                .messageId(leftBehind.toString())
                                .build(),
                        order.getBytes(StandardCharsets.UTF_8));
            }
            UUID doomed =
                    client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                assertThat(status(jdbc, doomed)).isEqualTo("FAILED/SETTLEMENT_FAILED");
                assertThat(status(jdbc, leftBehind)).isEqualTo("CONFIRMED/");
            });
            try (var connection = rabbit().newConnection();
                    var channel = connection.createChannel()) {
                for (int retry = 1; retry <= DELAYS.size(); retry++) {
                    assertThat(channel.queueDeclarePassive(oldRetryQueue(name, retry))
                                    .getMessageCount())
                            .as("the old retry queues drained")
                            .isZero();
                    // declaring it as this version does succeeds only if the queue has no TTL
                    channel.queueDeclare(
                            queues.retryQueue(retry),
                            true,
                            false,
                            false,
                            Map.of(
                                    "x-dead-letter-exchange", queues.deadLetterExchange(),
                                    "x-dead-letter-routing-key", queues.deadLetterQueue()));
                }
            }
        }
    }

    private static String status(JdbcClient jdbc, UUID orderId) {
        return jdbc.sql("SELECT status || '/' || coalesce(reason, '') FROM orders WHERE order_id = ?")
                .param(orderId)
                .query(String.class)
                .single();
    }

    private static com.rabbitmq.client.ConnectionFactory rabbit() {
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        return factory;
    }
}
