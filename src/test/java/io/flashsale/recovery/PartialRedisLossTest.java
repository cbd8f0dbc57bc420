package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.SaleFixture;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Some of an item's keys deleted (not meta and tokens), then settlement goes on: the drift repair
 * sets tokens and buyers back to PostgreSQL's once quiet, and an item whose set of confirmed orders
 * is gone is rebuilt whole rather than having its sales counted twice. Also: the reconciler ticking
 * continuously while a crowd buys changes nothing.
 */
@FailureScenario
class PartialRedisLossTest {

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
    RabbitTemplate rabbit;

    @Autowired
    OrderQueues queues;

    @Autowired
    JsonMapper json;

    FlashSaleClient client;

    @BeforeEach
    void client() {
        client = fixture.client();
    }

    /**
     * pending hash deleted while an order is in flight; the order then fails settlement (dead-lettered):
     * its release finds no pending entry, so the buyer's count is never given back. Tokens are repaired
     * by DriftRepair; the buyer is refused ALREADY_PURCHASED for good although they hold nothing.
     */
    @Test
    void aBuyerWhoseOrderFailedAfterThePendingHashWasLostIsNotRefusedAsAlreadyPurchased() throws Exception {
        CreatedItem item = client.openSale(10, 1);
        GateKeys keys = gate.keys();
        Response doomed;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement()
                    .execute("SELECT id FROM flash_sale_items WHERE id = " + item.itemId() + " FOR UPDATE");
            doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1);
            assertThat(doomed.status()).isEqualTo(202);
            redis.delete(keys.pending(item.itemId()));
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "FAILED"
                .equals(jdbc.sql("SELECT status FROM orders WHERE order_id = ?::uuid")
                        .param(doomed.orderId().toString())
                        .query(String.class)
                        .optional()
                        .orElse(null)));
        for (int tick = 0; tick < 4; tick++) {
            reconciler.reconcile();
        }

        var invariants = fixture.invariants();
        invariants.assertAll(item.itemId(), List.of(doomed.orderId())); // tokens were repaired: P4 holds for tokens
        Object counted = redis.opsForHash().get(keys.buyers(item.itemId()), FailureScenario.DOOMED_BUYER);
        assertThat(counted)
                .as("units the gate counts for a buyer who holds none (the failed order was never given back)")
                .isNull();
        assertThat(client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).code())
                .as("a buyer who bought nothing is not refused as having bought")
                .isNotEqualTo("ALREADY_PURCHASED");
    }

    /**
     * confirmed set deleted (only it); a duplicated message of an order already confirmed is delivered
     * again. Invariant 5: a duplicated message never creates a second deduction. Then the reconciler's
     * DriftRepair step 1 re-confirms every confirmed order: each is counted again.
     */
    @Test
    void aDuplicatedMessageAfterTheConfirmedSetWasLostIsNotCountedTwice() {
        CreatedItem item = client.openSale(10, 2);
        GateKeys keys = gate.keys();
        var bought = new Crowd().buy(client, item.itemId(), Crowd.buyers("buyer", 3), 3);
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), bought.accepted(), Duration.ofSeconds(20));
        var first = jdbc.sql("SELECT order_id, user_id FROM orders WHERE item_id = ? AND user_id = 'buyer-0'")
                .param(item.itemId())
                .query((rs, row) -> Map.entry(rs.getObject("order_id", UUID.class), rs.getString("user_id")))
                .single();

        redis.delete(keys.confirmed(item.itemId()));
        var duplicate = new OrderRequested(
                first.getKey(),
                item.itemId(),
                first.getValue(),
                1,
                Instant.now(),
                Instant.now().plusSeconds(300));
        rabbit.send(
                queues.exchange(),
                queues.orderQueueFor(first.getKey().toString()),
                MessageBuilder.withBody(json.writeValueAsBytes(duplicate))
                        .setContentType(MessageProperties.CONTENT_TYPE_JSON)
                        .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                        .setMessageId(first.getKey().toString())
                        .build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Boolean.TRUE.equals(redis.opsForSet()
                        .isMember(keys.confirmed(item.itemId()), first.getKey().toString())));
        for (int tick = 0; tick < 6; tick++) {
            reconciler.reconcile();
        }

        invariants.assertAll(item.itemId(), bought.accepted());
        invariants.assertBuyersMatchHoldings(item.itemId());
        assertThat(client.buy(item.itemId(), "buyer-1", 1).status())
                .as("buyer-1 holds 1 of a limit of 2 and may buy a second unit")
                .isEqualTo(202);
    }

    /** An attack that holds: the reconciler (drift repair included) ticking all the time while a crowd buys and settles. */
    @Test
    void theReconcilerTickingDuringAdmissionAndSettlementChangesNothing() throws Exception {
        CreatedItem item = client.openSale(15, 1);
        AtomicBoolean done = new AtomicBoolean();
        Thread ticker = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                reconciler.reconcile();
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Crowd crowd;
        try {
            crowd = new Crowd().buy(client, item.itemId(), Crowd.buyers("crowd", 40), 8);
            Thread.sleep(1500);
        } finally {
            done.set(true);
            ticker.join();
        }
        assertThat(crowd.count(202)).isEqualTo(15);
        fixture.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(20));
        fixture.invariants().assertBuyersMatchHoldings(item.itemId());
    }
}
