package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.RedisLoss;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.ShardedOrderQueues;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A keyed request's retries name the same order even after Redis lost the key, also when its first
 * attempt was withdrawn (503) and a retry bought: every attempt's id is derived from the request,
 * and the first attempt that was not withdrawn is the order (ADR 0041).
 */
@FailureScenario
class IdempotencyAfterRedisLossTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    Reconciler reconciler;

    @Autowired
    OrderQueues queues;

    @Autowired
    ConnectionFactory connectionFactory;

    FlashSaleClient client;

    @BeforeEach
    void client() {
        client = fixture.client();
    }

    @Test
    void aRetryWithTheKeyOfAWithdrawnFirstAttemptNamesTheSameOrderAfterRedisLostItsData() {
        CreatedItem item = client.openSale(10, 2);
        var admin = new RabbitAdmin(connectionFactory);
        List<Binding> ordersBindings = ShardedOrderQueues.bindings(queues);

        // 1. the first attempt cannot be routed: withdrawn, 503 "nothing was bought"
        ordersBindings.forEach(admin::removeBinding);
        Response withdrawn;
        try {
            withdrawn = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-42");
        } finally {
            ordersBindings.forEach(admin::declareBinding);
        }
        assertThat(withdrawn.status()).isEqualTo(503);

        // 2. the retry is a fresh attempt (README), admitted and confirmed; a replay names it
        Response bought = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-42");
        assertThat(bought.status()).isEqualTo(202);
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), List.of(bought.orderId()), Duration.ofSeconds(20));
        assertThat(client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-42")
                        .orderId())
                .isEqualTo(bought.orderId());

        // 3. Redis loses everything; the reconciler rebuilds the item from PostgreSQL
        RedisLoss.everything(redis, gate.keys());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            reconciler.reconcile();
            return gate.isLoaded(item.itemId());
        });

        // 4. the same request again: P3 / invariant 5 say it names the same order and buys nothing more
        Response afterLoss = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-42");
        assertThat(afterLoss.status()).isEqualTo(202);
        assertThat(afterLoss.orderId())
                .as("a replay after the Redis loss names the order the key bought")
                .isEqualTo(bought.orderId());
        invariants.awaitQuietAndAssert(item.itemId(), List.of(bought.orderId()), Duration.ofSeconds(20));
        assertThat(jdbc.sql(
                                "SELECT coalesce(sum(quantity), 0) FROM orders WHERE item_id = ? AND user_id = 'alice' AND status = 'CONFIRMED'")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .as("units alice bought with one key")
                .isEqualTo(1);
    }
}
