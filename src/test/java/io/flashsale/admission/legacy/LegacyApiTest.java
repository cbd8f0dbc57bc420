package io.flashsale.admission.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The original system's clients keep working against the same purchase path. */
@FlashSaleIntegrationTest
class LegacyApiTest {

    @LocalServerPort int port;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN);
    }

    @Test
    void precheckQueuesAnOrderWhoseResultBecomesSuccess() {
        CreatedItem item = client.openSale(5, 1);

        Response queued = client.post("/flashsale/precheck?user_id=alice&product_id=" + item.itemId(), null);

        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body().path("status").asString()).isEqualTo("queued");
        String orderId = queued.body().path("order_id").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(client.get("/flashsale/result/" + orderId).body().path("status").asString()).isEqualTo("success"));
        assertThat(client.post("/flashsale/stock/" + item.itemId(), null).body().path("stock").asLong()).isEqualTo(4);
    }

    @Test
    void precheckTakesAJsonBodyAndAnswersTheOriginalConflictStatuses() {
        CreatedItem item = client.openSale(1, 1);
        CreatedItem future = client.createSale(Instant.now().plusSeconds(600), Instant.now().plusSeconds(1200), 1, 1);

        Response first = client.post("/flashsale/precheck", "{\"user_id\":\"alice\",\"product_id\":" + item.itemId() + "}");
        Response again = client.post("/flashsale/precheck", "{\"user_id\":\"alice\",\"product_id\":" + item.itemId() + "}");
        Response soldOut = client.post("/flashsale/precheck", "{\"user_id\":\"bob\",\"product_id\":" + item.itemId() + "}");
        Response notStarted = client.post("/flashsale/precheck?user_id=bob&product_id=" + future.itemId(), null);
        Response missing = client.post("/flashsale/precheck?user_id=bob", null);

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("status").asString()).isEqualTo("USER_ALREADY_PURCHASED");
        assertThat(soldOut.status()).isEqualTo(409);
        assertThat(soldOut.body().path("status").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(notStarted.status()).isEqualTo(409);
        assertThat(notStarted.body().path("status").asString()).isEqualTo("not_started");
        assertThat(missing.status()).isEqualTo(400);
    }

    @Test
    void legacyWarmupNeedsTheAdminToken() {
        CreatedItem item = client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 3, 1);

        assertThat(client.post("/admin/flashsales/" + item.saleId() + "/warmup", null).status()).isEqualTo(401);
        assertThat(client.admin("/admin/flashsales/" + item.saleId() + "/warmup", null).status()).isEqualTo(200);
        assertThat(client.post("/flashsale/stock/" + item.itemId(), null).body().path("stock").asLong()).isEqualTo(3);
    }
}
