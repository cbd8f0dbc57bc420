package io.flashsale.admission.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The original system's clients work unchanged: its code's answers, product ids as SKUs (docs/adr/0045). */
@FlashSaleIntegrationTest
class LegacyApiTest {

    static final String TOKEN = "Bearer " + FlashSaleIntegrationTest.ADMIN_TOKEN;

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void anOriginalClientBuysProduct1001AndReadsItsResultThroughToSuccess() {
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 5, 1, "1001");

        Response warm = client.post("/admin/flashsales/" + item.saleId() + "/warmup", null, "Authorization", TOKEN);
        Response queued = client.post("/flashsale/precheck", "{\"user_id\":\"u1\",\"product_id\":\"1001\"}");

        assertThat(warm.status()).isEqualTo(200);
        assertThat(warm.body().path("status").asString()).isEqualTo("ok");
        assertThat(warm.body().path("message").asString())
                .isEqualTo("warm up successful for flash sale " + item.saleId());
        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body().path("status").asString()).isEqualTo("queued");
        String orderId = queued.body().path("order_id").asString();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.get("/flashsale/result/" + orderId)
                        .body()
                        .path("Status")
                        .asString())
                .isEqualTo("success"));
        Response result = client.get("/flashsale/result/" + orderId);
        assertThat(result.body().propertyNames())
                .containsExactly("OrderID", "Status", "ProcessingState", "FailReason", "CreatedAt", "UpdatedAt");
        assertThat(result.body().path("OrderID").asString()).isEqualTo(orderId);
        assertThat(result.body().path("FailReason").isNull()).isTrue();
        Response stock = client.post("/flashsale/stock/1001", null);
        assertThat(stock.body().path("product_id").asLong()).isEqualTo(1001);
        assertThat(stock.body().path("stock").asLong()).isEqualTo(4);
        assertThat(client.get("/api/v1/orders/" + orderId).body().path("itemId").asLong())
                .isEqualTo(item.itemId());
    }

    @Test
    void everyRefusalIsHttp200WithTheOutcomeInStatusAndAnEmptyOrderId() {
        client.openSale(1, 1); // a sale open now, which does not carry p1
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 1, 1, "2001");
        client.warmUp(item.saleId());
        client.createSale(Instant.now().plusSeconds(600), Instant.now().plusSeconds(1200), 1, 1, "3001");

        Response first = client.post("/flashsale/precheck?user_id=alice&product_id=2001", null);
        Response again = client.post("/flashsale/precheck", "{\"user_id\":\"alice\",\"product_id\":\"2001\"}");
        Response soldOut = client.post("/flashsale/precheck", "{\"user_id\":\"bob\",\"product_id\":\"2001\"}");
        Response notStarted = client.post("/flashsale/precheck?user_id=bob&product_id=3001", null);
        Response unknown = client.post("/flashsale/precheck", "{\"user_id\":\"bob\",\"product_id\":\"p1\"}");

        assertThat(first.status()).isEqualTo(200);
        assertThat(UUID.fromString(first.body().path("order_id").asString())).isNotNull();
        assertRefused(again, "USER_ALREADY_PURCHASED");
        assertRefused(soldOut, "OUT_OF_STOCK");
        assertRefused(notStarted, "not_started");
        assertRefused(unknown, "STOCK_NOT_FOUND");
    }

    @Test
    void badInputIsA400WithAnErrorAndUnknownsAreNoServerError() {
        Response number = client.post("/flashsale/precheck", "{\"user_id\":\"u1\",\"product_id\":1001}");
        Response empty = client.post("/flashsale/precheck", "{\"user_id\":\"\",\"product_id\":\"1001\"}");
        Response halfQuery = client.post("/flashsale/precheck?user_id=u1", null);
        Response badStock = client.post("/flashsale/stock/abc", null);
        Response badWarmup = client.post("/admin/flashsales/abc/warmup", null, "Authorization", TOKEN);
        Response unknownSale = client.post("/admin/flashsales/999999/warmup", null, "Authorization", TOKEN);
        Response unknownOrder = client.get("/flashsale/result/" + UUID.randomUUID());
        Response notAnOrder = client.get("/flashsale/result/nope");
        Response unknownStock = client.post("/flashsale/stock/999", null);

        assertThat(number.status()).isEqualTo(400);
        assertThat(number.body().path("error").asString()).isEqualTo("missing user_id or product_id");
        assertThat(empty.body().path("error").asString()).isEqualTo("user_id & product_id are required");
        assertThat(halfQuery.body().path("error").asString()).isEqualTo("missing user_id or product_id");
        assertThat(badStock.status()).isEqualTo(400);
        assertThat(badStock.body().path("error").asString()).isEqualTo("invalid product_id");
        assertThat(badWarmup.status()).isEqualTo(400);
        assertThat(badWarmup.body().path("error").asString()).isEqualTo("invalid flash sale id");
        assertThat(unknownSale.status()).isEqualTo(404);
        assertThat(unknownSale.body().path("error").isString()).isTrue();
        for (Response missing : new Response[] {unknownOrder, notAnOrder}) {
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body().path("error").asString()).isEqualTo("order not found");
        }
        assertThat(unknownStock.status()).isEqualTo(200);
        assertThat(unknownStock.body().path("stock").asLong()).isZero();
        assertThat(unknownStock.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void digitsOfOtherScriptsAreNoIdAndTheEdgesRefusalsHaveTheOriginalsShape() {
        Response fullWidth = client.post("/flashsale/stock/\uFF11\uFF10\uFF10\uFF11", null);
        Response arabicIndic = client.post("/admin/flashsales/\u0663/warmup", null, "Authorization", TOKEN);
        Response form = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/flashsale/precheck?user_id=u9&product_id=1001"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("a=b"))
                .build());

        assertThat(fullWidth.status()).isEqualTo(400);
        assertThat(fullWidth.body().path("error").asString()).isEqualTo("invalid product_id");
        assertThat(arabicIndic.status()).isEqualTo(400);
        assertThat(arabicIndic.body().path("error").asString()).isEqualTo("invalid flash sale id");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(form.body().path("error").isString()).isTrue();
        assertThat(form.body().has("code")).isFalse();
    }

    @Test
    void aProductOnSeveralOpenSalesNamesTheWarmedUpOneThatStartedLast() {
        CreatedItem older =
                client.createSale(Instant.now().minusSeconds(60), Instant.now().plusSeconds(600), 5, 1, "4001");
        client.warmUp(older.saleId());
        CreatedItem newer =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 5, 1, "4001");
        CreatedItem cold =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 5, 1, "5001");

        Response beforeWarmup = client.post("/flashsale/precheck?user_id=carol&product_id=4001", null);
        client.warmUp(newer.saleId());
        Response afterWarmup = client.post("/flashsale/precheck?user_id=carol&product_id=4001", null);
        Response notWarmedUp = client.post("/flashsale/precheck?user_id=carol&product_id=5001", null);
        Response byItemId = client.post("/flashsale/precheck?user_id=carol&product_id=" + cold.itemId(), null);

        assertThat(itemOf(beforeWarmup)).isEqualTo(older.itemId());
        assertThat(itemOf(afterWarmup)).isEqualTo(newer.itemId());
        assertRefused(notWarmedUp, "STOCK_NOT_FOUND");
        assertThat(byItemId.body().path("status").asString())
                .as("an item id is not a product id")
                .isIn("STOCK_NOT_FOUND", "not_started")
                .isNotEqualTo("queued");
    }

    @Test
    void warmupNeedsTheAdminTokenAndTheForceFailBuyerIsOrdinaryOutsideTheFaultProfile() {
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 3, 1, "6001");

        assertThat(client.post("/admin/flashsales/" + item.saleId() + "/warmup", null)
                        .status())
                .isEqualTo(401);
        assertThat(client.post("/admin/flashsales/" + item.saleId() + "/warmup", null, "Authorization", TOKEN)
                        .status())
                .isEqualTo(200);
        Response first = client.post("/flashsale/precheck?user_id=force-fail&product_id=6001", null);
        Response second = client.post("/flashsale/precheck?user_id=force-fail&product_id=6001", null);

        assertThat(first.body().path("status").asString()).isEqualTo("queued");
        assertRefused(second, "USER_ALREADY_PURCHASED");
        String orderId = first.body().path("order_id").asString();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(client.get("/flashsale/result/" + orderId)
                        .body()
                        .path("Status")
                        .asString())
                .isEqualTo("success"));
    }

    private long itemOf(Response queued) {
        assertThat(queued.body().path("status").asString())
                .as("%s", queued.body())
                .isEqualTo("queued");
        return client.get("/api/v1/orders/" + queued.body().path("order_id").asString())
                .body()
                .path("itemId")
                .asLong();
    }

    static void assertRefused(Response answer, String status) {
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        assertThat(answer.body().path("status").asString()).isEqualTo(status);
        assertThat(answer.body().path("message").asString()).isNotEmpty();
        assertThat(answer.body().path("order_id").asString()).isEmpty();
    }
}
