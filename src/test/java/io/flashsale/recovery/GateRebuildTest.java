package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.RedisLoss;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.ShardedOrderQueues;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gate is rebuilt from PostgreSQL while orders are still on their way to it, and drift is
 * repaired, not only measured: once quiet, tokens equal available whatever happened.
 */
@FailureScenario
class GateRebuildTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

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
    ConnectionFactory rabbit;

    FlashSaleClient client;

    @BeforeEach
    void client() {
        client = fixture.client();
    }

    @Test
    void aRebuildWhileOrdersAreDeliveredButUnsettledCountsThemWhenTheySettle() throws Exception {
        CreatedItem item = client.openSale(100, 1);
        Crowd held;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement()
                    .execute("SELECT id FROM flash_sale_items WHERE id = " + item.itemId() + " FOR UPDATE");
            held = new Crowd().buy(client, item.itemId(), Crowd.buyers("held", 20), 8);
            assertThat(held.count(202)).isEqualTo(20);
            var admin = new RabbitAdmin(rabbit);
            await().atMost(Duration.ofSeconds(10)).until(() -> ShardedOrderQueues.waiting(admin, queues) == 0);

            deleteKeysOf(item);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                reconciler.reconcile();
                return gate.isLoaded(item.itemId());
            });
            lock.rollback();
        }

        fixture.invariants().awaitQuietAndAssert(item.itemId(), held.accepted(), Duration.ofSeconds(20));
        assertThat(gate.tokens(item.itemId())).contains(80L);
        assertThat(client.buy(item.itemId(), "held-0", 1).code())
                .as("a buyer who bought is not admitted again")
                .isEqualTo("ALREADY_PURCHASED");
    }

    @Test
    void driftThatPersistsWhileQuietIsRepairedEitherWay() {
        CreatedItem item = client.openSale(10, 1);
        var bought = new Crowd().buy(client, item.itemId(), Crowd.buyers("buyer", 3), 3);
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), bought.accepted(), Duration.ofSeconds(20));

        for (String wrong : List.of("12", "2")) {
            redis.opsForValue().set(gate.keys().tokens(item.itemId()), wrong);
            reconciler.reconcile();
            reconciler.reconcile();
            assertThat(gate.tokens(item.itemId()))
                    .as("tokens after they were set to %s", wrong)
                    .contains(7L);
        }
    }

    @Test
    void aConfirmationTheGateMissedIsCountedOnce() {
        CreatedItem item = client.openSale(10, 1);
        var bought = new Crowd().buy(client, item.itemId(), Crowd.buyers("buyer", 3), 3);
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), bought.accepted(), Duration.ofSeconds(20));
        // As if the gate had been rebuilt before buyer-0's order was confirmed, and the sync then lost.
        GateKeys keys = gate.keys();
        String missed = bought.accepted().iterator().next().toString();
        String buyer = jdbc.sql("SELECT user_id FROM orders WHERE order_id = ?::uuid")
                .param(missed)
                .query(String.class)
                .single();
        redis.opsForSet().remove(keys.confirmed(item.itemId()), missed);
        redis.opsForHash().delete(keys.buyers(item.itemId()), buyer);
        redis.opsForValue().increment(keys.tokens(item.itemId()));

        reconciler.reconcile();
        reconciler.reconcile();
        reconciler.reconcile();

        invariants.assertAll(item.itemId(), bought.accepted());
        assertThat(client.buy(item.itemId(), buyer, 1).code()).isEqualTo("ALREADY_PURCHASED");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAfterRedisLostEverythingNamesTheSameOrder() {
        CreatedItem item = client.openSale(10, 3);
        var first = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-1");
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), List.of(first.orderId()), Duration.ofSeconds(20));

        flushEverythingOfThisDeployment();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            reconciler.reconcile();
            return gate.isLoaded(item.itemId());
        });
        var retry = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "pay-1");

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.orderId()).isEqualTo(first.orderId());
        assertThat(retry.body().path("status").asString()).isEqualTo("CONFIRMED");
        invariants.assertAll(item.itemId(), List.of(first.orderId()));
        assertThat(jdbc.sql("SELECT units FROM buyer_holdings WHERE item_id = ? AND user_id = 'alice'")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void anOrderWhoseCachedStatusWasLostIsNeverAnsweredNotFound() throws Exception {
        CreatedItem item = client.openSale(10, 1);
        FlashSaleClient.Response accepted;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement()
                    .execute("SELECT id FROM flash_sale_items WHERE id = " + item.itemId() + " FOR UPDATE");
            accepted = client.buy(item.itemId(), "alice", 1);
            flushEverythingOfThisDeployment();

            var whileUnsettled = client.get("/api/v1/orders/" + accepted.orderId());
            assertThat(whileUnsettled.status()).isEqualTo(503);
            assertThat(whileUnsettled.body().path("orderId").asString())
                    .isEqualTo(accepted.orderId().toString());
            assertThat(client.get("/api/v1/orders/" + UUID.randomUUID()).status())
                    .as("an id this service never made")
                    .isEqualTo(404);
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(client.get("/api/v1/orders/" + accepted.orderId())
                                .body()
                                .path("status")
                                .asString())
                        .isEqualTo("CONFIRMED"));
    }

    private void flushEverythingOfThisDeployment() {
        RedisLoss.everything(redis, gate.keys());
    }

    private void deleteKeysOf(CreatedItem item) {
        RedisLoss.item(redis, gate.keys(), item.itemId());
    }
}
