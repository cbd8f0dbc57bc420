package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.InProcessApp;
import io.flashsale.support.IsolatedEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The new version started on a broker where the retry queues are still those of the old one (a
 * message TTL and a dead-letter target back to the orders queue): ADR 0044 asks the operator to
 * delete them first. If that step is missed, the worker must not run with a retry path that
 * silently does not work.
 */
class RetryQueueUpgradeTest {

    private static final List<Duration> DELAYS = List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));

    private final String name = "it_u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final OrderQueues queues = new OrderQueues(name, DELAYS);

    @BeforeEach
    void createEnvironmentWithTheOldRetryQueues() throws Exception {
        IsolatedEnvironment.createDatabase(name);
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            // The whole topology as the previous version declared it; only the retry queues differ.
            channel.exchangeDeclare(queues.exchange(), "direct", true);
            channel.exchangeDeclare(queues.deadLetterExchange(), "direct", true);
            channel.queueDeclare(queues.queue(), true, false, false, Map.of(
                    "x-dead-letter-exchange", queues.deadLetterExchange(),
                    "x-dead-letter-routing-key", queues.deadLetterQueue()));
            channel.queueDeclare(queues.deadLetterQueue(), true, false, false, null);
            channel.queueDeclare(queues.parkingLot(), true, false, false, null);
            channel.queueBind(queues.queue(), queues.exchange(), queues.queue());
            channel.queueBind(queues.deadLetterQueue(), queues.deadLetterExchange(), queues.deadLetterQueue());
            for (int retry = 1; retry <= DELAYS.size(); retry++) {
                channel.queueDeclare(queues.retryQueue(retry), true, false, false, Map.of(
                        "x-message-ttl", (int) DELAYS.get(retry - 1).toMillis(),
                        "x-dead-letter-exchange", queues.exchange(),
                        "x-dead-letter-routing-key", queues.queue()));
            }
        }
    }

    @AfterEach
    void removeEnvironment() {
        IsolatedEnvironment.removeEverythingOf(name, queues);
    }

    @Test
    void theNewVersionDoesNotRunSilentlyOnTheOldRetryQueues() throws Exception {
        try (InProcessApp app = InProcessApp.start(name, Map.of(
                "spring.profiles.active", "fault-injection",
                "flashsale.faults.fail-settlement-of-user", FailureScenario.DOOMED_BUYER,
                "flashsale.messaging.retry-delays", "200ms,400ms,800ms",
                "flashsale.reconciler.interval", "1h"), context -> { })) {
            var client = app.client();
            var item = client.openSale(1, 1);
            UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
            JdbcClient jdbc = app.context().getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(jdbc.sql("SELECT status || '/' || reason FROM orders WHERE order_id = ? AND compensated_at IS NOT NULL")
                            .param(doomed).query(String.class).single()).isEqualTo("FAILED/SETTLEMENT_FAILED"));
            // It runs: but its retry copies sit in queues whose TTL still dead-letters them (at most once)
            // whenever no relay holds them (beyond a relay's prefetch, no worker running).
            var factory = new com.rabbitmq.client.ConnectionFactory();
            factory.setHost("127.0.0.1");
            try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                for (int retry = 1; retry <= DELAYS.size(); retry++) {
                    // a passive-free check: declaring as the new version does succeeds only if the queue has no TTL
                    channel.queueDeclare(queues.retryQueue(retry), true, false, false, null);
                }
            }
        }
    }
}
