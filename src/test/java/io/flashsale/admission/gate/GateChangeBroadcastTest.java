package io.flashsale.admission.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.RedisCommandMonitor;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * What one instance learns from Redis pub/sub: that units of a sold-out item came back, and that a
 * sale changed. "Another instance" is a second {@link RedisGate} on the same keys with sold-out
 * flags of its own, or a message published as another instance's relay would. The expiries are
 * long here, so only the messages can explain a flag or a cache entry going away in time.
 */
@FlashSaleIntegrationTest
@TestPropertySource(
        properties = {
            "spring.datasource.hikari.maximum-pool-size=3",
            "flashsale.gate.sold-out-ttl=60s",
            "flashsale.catalog.sale-ttl=60s"
        })
class GateChangeBroadcastTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RedisGate gate;

    @Autowired
    AdmissionProperties settings;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    StockListener live;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RedisMessageListenerContainer gateChangeListener;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
        await().atMost(Duration.ofSeconds(30)).until(gateChangeListener::isListening);
    }

    @Test
    void afterASellOutPurchasesAreRefusedFromMemoryUntilAnotherInstanceReleasesAUnit() {
        CreatedItem item = client.openSale(1, 1);
        RedisGate otherInstance = new RedisGate(
                redis, settings, new StockAnnouncements(redis, settings, new SoldOutFlags(settings), live));
        UUID held = UUID.randomUUID();
        assertThat(otherInstance.reserve(item.itemId(), held, "carol", 1).outcome())
                .isEqualTo(GateDecision.Outcome.ADMITTED);
        assertThat(client.buy(item.itemId(), "bob", 1).code())
                .as("the gate's answer")
                .isEqualTo("SOLD_OUT");

        List<Response> fromMemory = new ArrayList<>();
        List<String> gateCalls;
        // MONITOR sees every client of the machine's Redis: only this test's keys count
        String itemKeys = gate.keys().tokens(item.itemId()).replaceFirst("tokens$", "");
        try (var monitor = new RedisCommandMonitor(itemKeys)) {
            for (int i = 0; i < 20; i++) {
                fromMemory.add(client.buy(item.itemId(), "late-" + i, 1));
            }
            gateCalls = monitor.seen();
        }
        assertThat(fromMemory)
                .allSatisfy(response -> assertThat(response.code()).isEqualTo("SOLD_OUT"));
        // the reconciler's own look at the item (EXISTS, HGETALL, GET) may fall in the window; the gate is a script
        assertThat(gateCalls)
                .filteredOn(line -> line.contains("\"EVALSHA\"") || line.contains("\"EVAL\""))
                .as("gate scripts run on the item's keys while sold out")
                .isEmpty();

        assertThat(otherInstance.release(item.itemId(), List.of(held))).containsExactly(held);
        // well inside the 60 s sold-out expiry: only the broadcast can have cleared the flag
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> client.buy(item.itemId(), "dave-" + UUID.randomUUID(), 1)
                                .status()
                        == 202);
    }

    @Test
    void aRequestWithAnIdempotencyKeyAlwaysAsksTheGateSoAReplayIsNotMistakenForASellOut() {
        CreatedItem item = client.openSale(1, 1);
        Response first = client.buy(item.itemId(), "erin", 1, "Idempotency-Key", "erin-checkout");
        assertThat(client.buy(item.itemId(), "frank", 1).code()).isEqualTo("SOLD_OUT");

        Response replay = client.buy(item.itemId(), "erin", 1, "Idempotency-Key", "erin-checkout");

        assertThat(replay.status())
                .as("202, or 409 while the first request's outcome may not be known")
                .isIn(202, 409);
        assertThat(replay.code()).isNotEqualTo("SOLD_OUT");
        assertThat(replay.orderId()).isEqualTo(first.orderId());
    }

    @Test
    void aCachedSaleIsForgottenWhenAnotherInstanceAnnouncesAChange() {
        CreatedItem item = client.openSale(5, 1);
        String path = "/api/v1/sales/" + item.saleId();
        // The sale's creation and warm-up announce changes of their own, which may arrive after the
        // first read and evict what it cached. So: rename until a read after a rename still serves
        // the name from before (each attempt starts with the cache, if any, equal to the database).
        var rename = new AtomicInteger();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String before = client.get(path).body().path("name").asString();
            jdbc.sql("UPDATE flash_sales SET name = ? WHERE id = ?")
                    .param("Renamed " + rename.incrementAndGet())
                    .param(item.saleId())
                    .update();
            assertThat(client.get(path).body().path("name").asString())
                    .as("served from the cache")
                    .isEqualTo(before);
        });

        redis.convertAndSend(gate.keys().catalogChannel(), item.saleId() + ":" + item.itemId());

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(
                        () -> assertThat(client.get(path).body().path("name").asString())
                                .isEqualTo("Renamed " + rename.get()));
    }

    @Test
    void aSaleIdAskedForBeforeItExistedIsFoundOnceCreated() {
        long next = jdbc.sql("SELECT coalesce(max(id), 0) + 1 FROM flash_sales")
                .query(Long.class)
                .single();
        assertThat(client.get("/api/v1/sales/" + next).status()).isEqualTo(404);

        CreatedItem item = client.createSale(
                java.time.Instant.now(), java.time.Instant.now().plusSeconds(600), 5, 1);

        assertThat(item.saleId()).isEqualTo(next);
        assertThat(client.get("/api/v1/sales/" + next).status()).isEqualTo(200);
    }
}
