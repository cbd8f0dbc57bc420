package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An Idempotency-Key belongs to one buyer and one request: a replay names the first answer's
 * order, for that buyer only, and the same key with another body is refused without a reservation.
 */
@FlashSaleIntegrationTest
class IdempotencyKeyTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RedisGate gate;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OrderStatusCache statusCache;

    FlashSaleClient client;

    @BeforeEach
    void client() {
        client = fixture.client();
    }

    @Test
    void twoBuyersWhoseIdAndKeyJoinToTheSameTextGetTwoOrders() {
        CreatedItem item = client.openSale(10, 1);

        Response alice = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "x:1");
        Response aliceX = client.buy(item.itemId(), "alice:x", 1, "Idempotency-Key", "1");

        assertThat(alice.status()).isEqualTo(202);
        assertThat(aliceX.status()).isEqualTo(202);
        assertThat(aliceX.orderId()).as("another buyer's order").isNotEqualTo(alice.orderId());
        assertThat(client.get("/api/v1/orders/" + aliceX.orderId())
                        .body()
                        .path("userId")
                        .asString())
                .isEqualTo("alice:x");
        assertThat(gate.tokens(item.itemId())).contains(8L);
        awaitQuiet(item, List.of(alice.orderId(), aliceX.orderId()));
        assertThat(jdbc.sql("SELECT user_id FROM orders WHERE item_id = ? AND status = 'CONFIRMED' ORDER BY user_id")
                        .param(item.itemId())
                        .query(String.class)
                        .list())
                .containsExactly("alice", "alice:x");
    }

    @Test
    void theSameKeyWithAnotherQuantityOrItemIsRefusedAndReservesNothing() {
        CreatedItem item = client.openSale(10, 3);
        CreatedItem other = client.openSale(10, 3);
        Response first = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "checkout-7");

        Response moreUnits = client.buy(item.itemId(), "alice", 2, "Idempotency-Key", "checkout-7");
        Response otherItem = client.buy(other.itemId(), "alice", 1, "Idempotency-Key", "checkout-7");
        Response replay = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "checkout-7");

        for (Response reused : List.of(moreUnits, otherItem)) {
            assertThat(reused.status()).isEqualTo(422);
            assertThat(reused.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
            assertThat(reused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(replay.orderId()).isEqualTo(first.orderId());
        assertThat(gate.tokens(item.itemId())).contains(9L);
        assertThat(gate.tokens(other.itemId())).contains(10L);
        awaitQuiet(item, List.of(first.orderId()));
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE user_id = 'alice' AND item_id IN (?, ?)")
                        .params(item.itemId(), other.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aReplayOfAnOrderThatWasNeverQueuedQueuesItSoItCanBeRead() {
        CreatedItem item = client.openSale(10, 1);
        // What an API process leaves behind when it dies between the gate and the broker.
        UUID orphan = UUID.randomUUID();
        gate.reserve(item.itemId(), List.of(orphan), "crash-buyer", 1, Optional.of("ck-1"));

        Response soon = client.buy(item.itemId(), "crash-buyer", 1, "Idempotency-Key", "ck-1");
        assertThat(soon.status())
                .as("the first request may still be waiting for the broker")
                .isEqualTo(409);
        assertThat(soon.code()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
        assertThat(soon.orderId()).isEqualTo(orphan);
        Response retry = await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> client.buy(item.itemId(), "crash-buyer", 1, "Idempotency-Key", "ck-1"),
                        answer -> answer.status() != 409);
        Response read = client.get("/api/v1/orders/" + orphan);

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.orderId()).isEqualTo(orphan);
        assertThat(read.status()).as("readable at once").isEqualTo(200);
        awaitQuiet(item, List.of(orphan));
        assertThat(client.get("/api/v1/orders/" + orphan).body().path("status").asString())
                .isEqualTo("CONFIRMED");
    }

    @Test
    void aReplayOfAPendingOrderWhosePublishFailedQueuesIt() {
        CreatedItem item = client.openSale(10, 1);
        // What a request leaves behind when its publish failed and PostgreSQL could not decide the
        // order: the gate admitted it, its PENDING status is cached, no message exists.
        UUID order = UUID.randomUUID();
        var decision = gate.reserve(item.itemId(), List.of(order), "dana", 1, Optional.of("ck-2"));
        statusCache.markPending(
                List.of(new OrderRequested(order, item.itemId(), "dana", 1, Instant.now(), decision.deadline())));

        Response retry = await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> client.buy(item.itemId(), "dana", 1, "Idempotency-Key", "ck-2"),
                        answer -> answer.status() != 409);

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.orderId()).isEqualTo(order);
        awaitQuiet(item, List.of(order));
        assertThat(client.get("/api/v1/orders/" + order).body().path("status").asString())
                .isEqualTo("CONFIRMED");
    }

    private void awaitQuiet(CreatedItem item, List<UUID> accepted) {
        fixture.invariants().awaitQuietAndAssert(item.itemId(), accepted, Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                                .param(item.itemId())
                                .query(Integer.class)
                                .single()
                        >= accepted.size());
    }
}
