package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.RawHttp;
import io.flashsale.support.SaleFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

@FlashSaleIntegrationTest
class PurchaseApiTest {

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

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void aPurchaseIsAcceptedThenConfirmed() {
        CreatedItem item = client.openSale(5, 1);

        Response accepted = client.buy(item.itemId(), "alice", 1);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().path("status").asString()).isEqualTo("PENDING");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/v1/orders/" + accepted.orderId());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.get("/api/v1/orders/" + accepted.orderId())
                                .body()
                                .path("status")
                                .asString())
                        .isEqualTo("CONFIRMED"));
        Response order = client.get("/api/v1/orders/" + accepted.orderId());
        assertThat(order.body().path("itemId").asLong()).isEqualTo(item.itemId());
        assertThat(order.body().path("userId").asString()).isEqualTo("alice");
        assertThat(client.get("/api/v1/sales/" + item.saleId())
                        .body()
                        .path("items")
                        .get(0)
                        .path("available")
                        .asInt())
                .isEqualTo(4);
    }

    @Test
    void anAcceptedOrderHasItsStatusCachedBeforeTheAnswer() {
        CreatedItem item = client.openSale(5, 1);

        Response accepted = client.buy(item.itemId(), "alice", 1);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(redis.opsForValue().get(gate.keys().orderStatus(accepted.orderId())))
                .as("PENDING, or already the settled status")
                .isNotNull();
    }

    @Test
    void aSecondPurchaseOfTheSameBuyerIsRefusedAsAlreadyPurchased() {
        CreatedItem item = client.openSale(5, 1);
        client.buy(item.itemId(), "alice", 1);

        Response again = client.buy(item.itemId(), "alice", 1);

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("ALREADY_PURCHASED");
        assertThat(again.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aSoldOutItemIsRefused() {
        CreatedItem item = client.openSale(1, 1);
        client.buy(item.itemId(), "alice", 1);

        Response late = client.buy(item.itemId(), "bob", 1);

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("SOLD_OUT");
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameOrderAndReservesNothingMore() {
        CreatedItem item = client.openSale(10, 3);

        Response first = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "checkout-42");
        Response replay = client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "checkout-42");
        Response otherBuyer = client.buy(item.itemId(), "bob", 1, "Idempotency-Key", "checkout-42");

        assertThat(replay.status())
                .as("the first request's outcome may not be known yet")
                .isIn(202, 409);
        assertThat(replay.orderId()).isEqualTo(first.orderId());
        assertThat(otherBuyer.orderId()).isNotEqualTo(first.orderId());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(orderRows(item)).isEqualTo(2));
        assertThat(gate.tokens(item.itemId())).contains(8L);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(client.buy(item.itemId(), "alice", 1, "Idempotency-Key", "checkout-42")
                                .body()
                                .path("status")
                                .asString())
                        .as("a replay after settlement reports the order's status")
                        .isEqualTo("CONFIRMED"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"userId\":\"alice\"}",
                "{\"itemId\":ITEM}",
                "{\"itemId\":\"abc\",\"userId\":\"alice\"}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":0}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":-1}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":3}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":1.5}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":\"many\"}",
                "{\"itemId\":ITEM,\"userId\":\"\"}",
                "{\"itemId\":ITEM,\"userId\":\"has|pipe\"}",
                "{\"itemId\":ITEM,\"userId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
                "{\"itemId\":-5,\"userId\":\"alice\"}",
                "{\"itemId\":9223372036854775808,\"userId\":\"alice\"}",
                "{\"itemId\":ITEM,\"userId\":\"alice\",\"quantity\":2147483648}",
                "{\"itemId\":ITEM,\"userId\":\"al\\u0000ice\"}",
                "{\"itemId\":999999999,\"userId\":\"alice\"}",
                "{\"itemId\":ITEM,\"userId\":\"alice\"",
                "[]",
                "null",
                ""
            })
    void badInputGetsAClientErrorAndChangesNothing(String body) {
        CreatedItem item = client.openSale(5, 2);

        Response response = client.post("/api/v1/orders", body.replace("ITEM", Long.toString(item.itemId())));

        assertThat(response.status()).isBetween(400, 499);
        assertThat(response.code()).isIn("VALIDATION_FAILED", "NOT_FOUND");
        assertThat(response.body().path("detail").asString("")).doesNotContain("java.", "Exception");
        assertNothingReservedOrWritten(item);
    }

    @Test
    void aWrongContentTypeOrAnInvalidIdempotencyKeyChangesNothing() {
        CreatedItem item = client.openSale(5, 1);
        String body = "{\"itemId\":" + item.itemId() + ",\"userId\":\"alice\"}";

        Response text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        Response badKey = client.post("/api/v1/orders", body, "Idempotency-Key", "x".repeat(200));

        assertThat(text.status()).isEqualTo(415);
        assertThat(text.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(badKey.status()).isEqualTo(400);
        assertNothingReservedOrWritten(item);
    }

    @Test
    void anIdempotencyKeyOrABuyerWithCharactersNoKeyHoldsIsRefusedNamingIt() throws IOException {
        CreatedItem item = client.openSale(5, 1);

        RawHttp.Answer key = new RawHttp(port)
                .send(
                        "POST",
                        "/api/v1/orders",
                        List.of("Content-Type", "application/json", "Idempotency-Key", "k\u00e9y"),
                        ("{\"itemId\":" + item.itemId() + ",\"userId\":\"alice\"}").getBytes(StandardCharsets.UTF_8));
        Response buyer =
                client.post("/api/v1/orders", "{\"itemId\":" + item.itemId() + ",\"userId\":\"al\\u0000ice\"}");

        assertThat(key.status()).isEqualTo(400);
        assertThat(key.contentType()).startsWith("application/problem+json");
        assertThat(JsonMapper.builder()
                        .build()
                        .readTree(key.body())
                        .path("errors")
                        .findValuesAsString("field"))
                .containsExactly("Idempotency-Key");
        assertThat(buyer.status()).isEqualTo(400);
        assertThat(buyer.body().path("errors").findValuesAsString("field")).containsExactly("userId");
        assertNothingReservedOrWritten(item);
    }

    @Test
    void aSaleNotWarmedUpOrNotStartedIsNotActive() {
        CreatedItem cold =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), 5, 1);
        CreatedItem future =
                client.createSale(Instant.now().plusSeconds(600), Instant.now().plusSeconds(3600), 5, 1);
        client.warmUp(future.saleId());

        assertThat(client.buy(cold.itemId(), "alice", 1).code()).isEqualTo("SALE_NOT_ACTIVE");
        assertThat(client.buy(future.itemId(), "alice", 1).code()).isEqualTo("SALE_NOT_ACTIVE");
        assertThat(gate.tokens(future.itemId())).contains(5L);
    }

    @Test
    void anUnknownOrderIsNotFoundAndAMalformedIdIsABadRequest() {
        assertThat(client.get("/api/v1/orders/" + UUID.randomUUID()).status()).isEqualTo(404);
        Response malformed = client.get("/api/v1/orders/not-a-uuid");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void frameworkErrorsAreProblemDetailsToo() {
        Response wrongMethod =
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/orders"))
                        .DELETE()
                        .build());
        Response noSuchPath = client.get("/api/v1/nothing-here");

        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.code()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(noSuchPath.status()).isEqualTo(404);
        assertThat(noSuchPath.code()).isEqualTo("NOT_FOUND");
    }

    private void assertNothingReservedOrWritten(CreatedItem item) {
        assertThat(gate.tokens(item.itemId())).contains(5L);
        assertThat(redis.opsForHash().size(gate.keys().pending(item.itemId()))).isZero();
        assertThat(redis.opsForHash().size(gate.keys().buyers(item.itemId()))).isZero();
        assertThat(orderRows(item)).isZero();
    }

    private int orderRows(CreatedItem item) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                .param(item.itemId())
                .query(Integer.class)
                .single();
    }
}
