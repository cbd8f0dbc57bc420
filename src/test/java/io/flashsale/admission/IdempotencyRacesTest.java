package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Races and look-alikes on the Idempotency-Key, and odd buyers at the legacy facade: one key, one
 * order. While the first request with a key is in progress, the others are told so (409
 * IDEMPOTENCY_KEY_IN_USE) and shown the same order.
 */
@FlashSaleIntegrationTest
class IdempotencyRacesTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RedisGate gate;

    @Autowired
    JdbcClient jdbc;

    FlashSaleClient client;

    @BeforeEach
    void client() {
        client = fixture.client();
    }

    @Test
    void manyRequestsRacingWithOneKeyAndOneBodyAreOneOrder() throws Exception {
        CreatedItem item = client.openSale(10, 3);
        List<Response> answers = race(12, i -> client.buy(item.itemId(), "racer", 2, "Idempotency-Key", "same"));

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).isIn(202, 409));
        assertThat(answers).filteredOn(answer -> answer.status() == 409).allSatisfy(answer -> assertThat(answer.code())
                .isEqualTo("IDEMPOTENCY_KEY_IN_USE"));
        assertThat(answers).anySatisfy(answer -> assertThat(answer.status()).isEqualTo(202));
        Set<UUID> ids = new HashSet<>();
        answers.forEach(answer -> ids.add(answer.orderId()));
        assertThat(ids).as("every answer names the one order").hasSize(1);
        fixture.invariants().awaitQuietAndAssert(item.itemId(), ids, Duration.ofSeconds(20));
        assertThat(gate.tokens(item.itemId())).contains(8L);
    }

    @Test
    void requestsRacingWithOneKeyAndDifferentBodiesAdmitOneAndRefuseTheRestWith422() throws Exception {
        CreatedItem item = client.openSale(10, 3);
        CreatedItem other = client.openSale(10, 3);
        List<Response> answers = race(12, i -> switch (i % 3) {
            case 0 -> client.buy(item.itemId(), "racer", 1, "Idempotency-Key", "k");
            case 1 -> client.buy(item.itemId(), "racer", 3, "Idempotency-Key", "k");
            default -> client.buy(other.itemId(), "racer", 1, "Idempotency-Key", "k");
        });

        Set<UUID> ids = new HashSet<>();
        answers.stream().filter(answer -> answer.status() != 422).forEach(answer -> ids.add(answer.orderId()));
        assertThat(ids).hasSize(1);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).isIn(202, 409, 422));
        long bothItemsTokens = gate.tokens(item.itemId()).orElseThrow()
                + gate.tokens(other.itemId()).orElseThrow();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("SELECT count(*) FROM orders WHERE user_id = 'racer'")
                                .query(Integer.class)
                                .single()
                        == 1);
        int bought = jdbc.sql("SELECT quantity FROM orders WHERE user_id = 'racer'")
                .query(Integer.class)
                .single();
        assertThat(20 - bothItemsTokens).as("units reserved by the race").isEqualTo(bought);
    }

    @Test
    void keysAndBuyersThatEncodeAlikeOrDifferInCaseNeverShareAnOrder() {
        CreatedItem item = client.openSale(50, 5);
        String[][] requests = {
            {"a", "b%3Ac"},
            {"a", "b:c"},
            {"a:b", "c"},
            {"a", "b%253Ac"},
            {"a", "b%3ac"},
            {"c", "K"},
            {"c", "k"},
            {"C", "k"},
            {"d", "x+y"},
            {"d", "x%2By"},
            {"e", "%"},
            {"e", "%25"},
        };
        Set<UUID> ids = new HashSet<>();
        for (String[] request : requests) {
            Response answer = client.buy(item.itemId(), request[0], 1, "Idempotency-Key", request[1]);
            assertThat(answer.status())
                    .as("%s with key %s", request[0], request[1])
                    .isEqualTo(202);
            assertThat(ids.add(answer.orderId()))
                    .as("%s with key %s has an order of its own", request[0], request[1])
                    .isTrue();
            assertThat(client.get("/api/v1/orders/" + answer.orderId())
                            .body()
                            .path("userId")
                            .asString())
                    .isEqualTo(request[0]);
        }
        for (String[] request : requests) {
            assertThat(client.buy(item.itemId(), request[0], 1, "Idempotency-Key", request[1])
                            .status())
                    .isIn(202, 409);
        }
        fixture.invariants().awaitQuietAndAssert(item.itemId(), ids, Duration.ofSeconds(20));
    }

    @Test
    void theLegacyFacadeRefusesOddBuyersAndKeepsTheLimit() {
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 10, 1, "ODD-1");
        client.warmUp(item.saleId());
        for (String user : List.of("al%20ice", "al+ice", "\u00e9", "a%3Ab", "x".repeat(65), "")) {
            Response answer = client.post(
                    "/flashsale/precheck?user_id=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                            + "&product_id=ODD-1",
                    null);
            assertThat(answer.status()).as("user_id %s", user).isEqualTo(400);
        }
        Response first = client.post("/flashsale/precheck?user_id=dave&product_id=ODD-1", null);
        Response second = client.post("/flashsale/precheck", "{\"user_id\":\"dave\",\"product_id\":\"ODD-1\"}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("status").asString()).isEqualTo("USER_ALREADY_PURCHASED");
        UUID order = UUID.fromString(first.body().path("order_id").asString());
        fixture.invariants().awaitQuietAndAssert(item.itemId(), List.of(order), Duration.ofSeconds(20));
        assertThat(client.get("/flashsale/result/" + order)
                        .body()
                        .path("Status")
                        .asString())
                .isEqualTo("success");
    }

    private interface Request {
        Response send(int i);
    }

    private static List<Response> race(int count, Request request) throws Exception {
        List<Future<Response>> futures = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(executor.submit((Callable<Response>) () -> {
                    start.await();
                    return request.send(n);
                }));
            }
            start.countDown();
        }
        List<Response> answers = new ArrayList<>();
        for (Future<Response> future : futures) {
            answers.add(future.get());
        }
        return answers;
    }
}
