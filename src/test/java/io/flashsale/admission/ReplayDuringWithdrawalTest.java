package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.OrderIds;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.DelayingRelay;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A replay of a keyed request arrives while the first request is waiting for a broker confirm that
 * will come too late. The replay is told the first request is in progress (409 naming its order),
 * not 202: the first request then withdraws that order (503, nothing bought), and the next replay is
 * a fresh attempt. No two 202 answers for one key name different orders.
 * The whole in-process application talks to RabbitMQ through a relay that can delay broker frames.
 */
@FlashSaleIntegrationTest
class ReplayDuringWithdrawalTest {

    static final DelayingRelay RELAY;

    static {
        try {
            RELAY = new DelayingRelay(5672);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void throughTheRelay(DynamicPropertyRegistry registry) {
        registry.add("spring.rabbitmq.port", RELAY::port);
        registry.add("flashsale.gate.publish-timeout", () -> "1s");
    }

    @AfterAll
    static void closeRelay() throws Exception {
        RELAY.close();
    }

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    @Autowired
    RedisGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aReplayAnsweredDuringAWithdrawalAndTheNextReplayNameTheSameOrder() throws Exception {
        var client = fixture.client();
        CreatedItem item = client.openSale(10, 2);
        UUID derived = OrderIds.forRequest(gate.keys().prefix(), item.itemId(), "alice", 1, "ck-9")
                .getFirst();

        RELAY.delayServerToClient(Duration.ofSeconds(3));
        CompletableFuture<Response> first =
                CompletableFuture.supplyAsync(() -> client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "ck-9"));
        // the first request's PENDING status is cached just before its message is sent
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> redis.hasKey(gate.keys().orderStatus(derived)));
        Response replayDuringWithdrawal = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "ck-9");
        Response firstAnswer = first.get();
        RELAY.delayServerToClient(Duration.ZERO);
        Thread.sleep(3500); // let the delayed frames through

        Response laterReplay = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "ck-9");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                                .param(item.itemId())
                                .query(Integer.class)
                                .single()
                        >= 2);

        assertThat(firstAnswer.status()).isEqualTo(503);
        assertThat(replayDuringWithdrawal.status()).isEqualTo(409);
        assertThat(replayDuringWithdrawal.code()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
        assertThat(replayDuringWithdrawal.orderId()).isEqualTo(derived);
        assertThat(laterReplay.status())
                .as("a fresh attempt after the withdrawal")
                .isEqualTo(202);
        assertThat(jdbc.sql("SELECT order_id FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                        .param(item.itemId())
                        .query(UUID.class)
                        .list())
                .containsExactly(laterReplay.orderId());
    }
}
