package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.RedisCommandMonitor;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

@FlashSaleIntegrationTest
@TestPropertySource(
        properties = {
            "spring.datasource.hikari.maximum-pool-size=3",
            "flashsale.rate-limit.enabled=true",
            "flashsale.rate-limit.buyer-per-second=1",
            "flashsale.rate-limit.buyer-burst=3",
            "flashsale.rate-limit.address-per-second=1000",
            "flashsale.rate-limit.address-burst=1000",
            "flashsale.rate-limit.global-per-second=1000",
            "flashsale.rate-limit.global-burst=1000"
        })
class RateLimitTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RedisGate gate;

    @Autowired
    JdbcClient jdbc;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void aBuyerAtTenTimesTheirLimitIsRefusedWithRetryHeadersWithoutReachingRedisAndOthersAreServed() {
        CreatedItem item = client.openSale(1_000, 100);
        List<Response> hammer = new ArrayList<>();
        List<Response> others = new ArrayList<>();
        List<String> aliceInRedis;

        try (var monitor = new RedisCommandMonitor("\"hammering-alice\"")) {
            for (int i = 0; i < 30; i++) {
                hammer.add(client.buy(item.itemId(), "hammering-alice", 1));
                if (i % 6 == 0) {
                    others.add(client.buy(item.itemId(), "quiet-buyer-" + i, 1));
                }
            }
            aliceInRedis = monitor.seen();
        }

        List<Response> limited =
                hammer.stream().filter(response -> response.status() == 429).toList();
        List<Response> accepted =
                hammer.stream().filter(response -> response.status() == 202).toList();
        assertThat(limited.size() + accepted.size())
                .as("answers: only 202 or 429")
                .isEqualTo(hammer.size());
        assertThat(accepted.size())
                .as("the burst of 3, plus what refilled meanwhile")
                .isBetween(3, 8);
        assertThat(limited).allSatisfy(response -> {
            assertThat(response.code()).isEqualTo("RATE_LIMITED");
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.headers().firstValue("Retry-After").map(Integer::parseInt))
                    .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1, 2));
            assertThat(response.headers().firstValue("RateLimit-Policy")).contains("\"buyer\";q=1;w=1");
            assertThat(response.headers().firstValue("RateLimit"))
                    .hasValueSatisfying(value -> assertThat(value).matches("\"buyer\";r=0;t=[12]"));
        });
        assertThat(others).as("other buyers meanwhile").allSatisfy(response -> assertThat(response.status())
                .isEqualTo(202));
        assertThat(admissionsAsked(aliceInRedis))
                .as("orders of the limited buyer the gate was asked about")
                .hasSize(accepted.size())
                .containsExactlyInAnyOrderElementsOf(accepted.stream()
                        .map(Response::orderId)
                        .map(UUID::toString)
                        .toList());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        jdbc.sql("SELECT count(*) FROM orders WHERE user_id = 'hammering-alice'")
                                .query(Integer.class)
                                .single())
                .as("orders of the limited buyer: none from a refused request")
                .isEqualTo(accepted.size()));
    }

    /** Order ids of the reserve.lua calls (the only script given the item's meta key) among the monitored commands. */
    private static Set<String> admissionsAsked(List<String> commands) {
        var reserve = Pattern.compile(":meta\".*\"reserve\" \"([0-9a-f-]{36})\"");
        return commands.stream()
                .filter(line -> !line.contains(" lua]"))
                .map(reserve::matcher)
                .filter(Matcher::find)
                .map(match -> match.group(1))
                .collect(Collectors.toSet());
    }

    @Test
    void theLimitRefillsSoAPatientBuyerIsServedAgain() {
        CreatedItem item = client.openSale(100, 100);
        Response limited = null;
        for (int i = 0; i < 10 && limited == null; i++) {
            Response response = client.buy(item.itemId(), "patient-bob", 1);
            if (response.status() == 429) {
                limited = response;
            }
        }
        assertThat(limited).as("a refusal within 10 quick requests").isNotNull();

        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.buy(item.itemId(), "patient-bob", 1).status() == 202);
    }

    @Test
    void theCompatibilityFacadeAnswersRateLimitedInItsOwnShape() {
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 100, 100, "RL-1");
        client.warmUp(item.saleId());
        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(client.post("/flashsale/precheck?user_id=legacy-carol&product_id=RL-1", null));
        }

        Response limited = answers.stream()
                .filter(response -> response.status() == 429)
                .findFirst()
                .orElseThrow();
        assertThat(limited.body().path("error").asString()).isEqualTo("rate limit exceeded");
        assertThat(limited.body().path("reason").asString()).isEqualTo("token");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.headers().firstValue("RateLimit-Policy")).isPresent();
    }
}
