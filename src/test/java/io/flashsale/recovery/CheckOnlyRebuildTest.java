package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.RedisLoss;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.ShardedOrderQueues;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Check-only mode: Redis loses everything while orders (one of them keyed) are delivered to a
 * worker and blocked on the item row; the reconciler rebuilds; the keyed buyer retries; the orders
 * settle; a duplicate of a confirmed order is delivered again. Every order is counted once.
 */
@FailureScenario
class CheckOnlyRebuildTest {

    @DynamicPropertySource
    static void checkOnly(DynamicPropertyRegistry registry) {
        registry.add("flashsale.gate.mode", () -> "check-only");
    }

    @Autowired
    SaleFixture fixture;

    @Autowired
    DataSource dataSource;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    Reconciler reconciler;

    @Autowired
    OrderQueues queues;

    @Autowired
    ConnectionFactory rabbitConnections;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JsonMapper json;

    @Test
    void aRebuildWhileOrdersAreInFlightAKeyedRetryAndADuplicateCountEachSaleOnce() throws Exception {
        var client = fixture.client();
        CreatedItem item = client.openSale(10, 2);
        Set<UUID> accepted = new HashSet<>();
        Response keyed;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement()
                    .execute("SELECT id FROM flash_sale_items WHERE id = " + item.itemId() + " FOR UPDATE");
            var crowd = new Crowd().buy(client, item.itemId(), Crowd.buyers("held", 6), 6);
            keyed = client.buy(item.itemId(), "alice", 2, "Idempotency-Key", "co-1");
            accepted.addAll(crowd.accepted());
            accepted.add(keyed.orderId());
            assertThat(accepted).hasSize(7);
            var admin = new RabbitAdmin(rabbitConnections);
            await().atMost(Duration.ofSeconds(10)).until(() -> ShardedOrderQueues.waiting(admin, queues) == 0);

            RedisLoss.everything(redis, gate.keys());
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                reconciler.reconcile();
                return gate.isLoaded(item.itemId());
            });
            Response retry = client.buy(item.itemId(), "alice", 2, "Idempotency-Key", "co-1");
            assertThat(retry.status()).isEqualTo(202);
            assertThat(retry.orderId()).isEqualTo(keyed.orderId());
            lock.rollback();
        }
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), accepted, Duration.ofSeconds(30));

        var duplicate = new OrderRequested(keyed.orderId(), item.itemId(), "alice", 2, Instant.now(), null);
        rabbit.send(
                queues.exchange(),
                queues.orderQueue(0),
                MessageBuilder.withBody(json.writeValueAsBytes(duplicate))
                        .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                        .build());
        Thread.sleep(2000);
        for (int tick = 0; tick < 4; tick++) {
            reconciler.reconcile();
        }
        invariants.assertAll(item.itemId(), accepted);
        fixture.invariants().assertBuyersMatchHoldings(item.itemId());
        assertThat(client.buy(item.itemId(), "alice", 1).code()).isEqualTo("ALREADY_PURCHASED");
    }
}
