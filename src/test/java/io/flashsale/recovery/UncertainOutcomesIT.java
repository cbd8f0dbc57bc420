package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.DelayingRelay;
import io.flashsale.support.Deployment;
import io.flashsale.support.FlashSaleClient.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a buyer is told when the API cannot know at once what became of an order: an answer is
 * never a guess. A 202 names an order GET can read from that moment; a 503 means nothing was bought.
 */
class UncertainOutcomesIT {

    private static final Map<String, String> SHORT_RESERVATIONS = Map.of(
            "FLASHSALE_RESERVATION_TTL", "8s",
            "FLASHSALE_RECONCILER_INTERVAL", "500ms",
            "FLASHSALE_RECONCILER_GRACE", "1s");

    @Test
    void aReplayToAnotherApiOfAnOrderWhoseApiDiedBeforePublishingIsReadableAtOnceAndSettled() {
        try (var deployment = new Deployment()) {
            var crashingApi = deployment.start(
                    "api-crashing",
                    "api",
                    Map.of(
                            "SPRING_PROFILES_ACTIVE", "fault-injection",
                            "FLASHSALE_FAULTS_HALT_BEFORE_PUBLISH_OF_USER", "crash-buyer",
                            "FLASHSALE_RESERVATION_TTL", "8s"));
            var client = deployment.client(deployment.start("api", "api", SHORT_RESERVATIONS));
            deployment.start("backend", "worker,dlq,reconciler", SHORT_RESERVATIONS);
            var item = client.openSale(10, 1);

            assertThatThrownBy(() -> deployment
                            .client(crashingApi)
                            .buy(item.itemId(), "crash-buyer", 1, "Idempotency-Key", "ck-1"))
                    .as("the API process halts while answering")
                    .isInstanceOf(RuntimeException.class);
            // until the first request's outcome would be known, the retry is told it is in progress (409)
            Response retry = await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> client.buy(item.itemId(), "crash-buyer", 1, "Idempotency-Key", "ck-1"),
                            answer -> answer.status() != 409 || !"IDEMPOTENCY_KEY_IN_USE".equals(answer.code()));
            Response read = client.get("/api/v1/orders/" + retry.orderId());

            assertThat(retry.status()).isEqualTo(202);
            assertThat(read.status())
                    .as("the order a 202 names is readable at once")
                    .isEqualTo(200);
            assertThat(read.body().path("status").asString()).isIn("PENDING", "CONFIRMED");
            deployment.invariants().awaitQuietAndAssert(item.itemId(), Set.of(retry.orderId()), Duration.ofSeconds(30));
            assertThat(client.get("/api/v1/orders/" + retry.orderId())
                            .body()
                            .path("status")
                            .asString())
                    .isEqualTo("CONFIRMED");
            assertThat(client.buy(item.itemId(), "crash-buyer", 1, "Idempotency-Key", "ck-1")
                            .orderId())
                    .as("a later replay names the same order")
                    .isEqualTo(retry.orderId());
        }
    }

    @Test
    void aPurchaseWhoseConfirmIsLateIsAnsweredWithWhatReallyBecameOfIt() throws Exception {
        try (var deployment = new Deployment();
                var relay = new DelayingRelay(5672)) {
            var client = deployment.client(
                    deployment.start("api", "api", Map.of("SPRING_RABBITMQ_PORT", Integer.toString(relay.port()))));
            var backend = deployment.start("backend", "worker,dlq,reconciler", SHORT_RESERVATIONS);
            var item = client.openSale(10, 1);
            relay.delayServerToClient(Duration.ofSeconds(3));

            Response settledMeanwhile = client.buy(item.itemId(), "alice", 1);
            backend.kill();
            Response neverSettled = client.buy(item.itemId(), "bob", 1);
            deployment.start("backend-again", "worker,dlq,reconciler", SHORT_RESERVATIONS);

            assertThat(settledMeanwhile.status())
                    .as("the worker confirmed it before the API gave up waiting")
                    .isEqualTo(202);
            assertThat(settledMeanwhile.body().path("status").asString()).isEqualTo("CONFIRMED");
            assertThat(neverSettled.status())
                    .as("no worker had it: withdrawn, nothing bought")
                    .isEqualTo(503);
            deployment
                    .invariants()
                    .awaitQuietAndAssert(item.itemId(), List.of(settledMeanwhile.orderId()), Duration.ofSeconds(30));
            assertThat(deployment
                            .jdbc()
                            .sql("SELECT user_id || ':' || status FROM orders WHERE item_id = ? ORDER BY user_id")
                            .param(item.itemId())
                            .query(String.class)
                            .list())
                    .containsExactly("alice:CONFIRMED", "bob:FAILED");
            assertThat(client.buy(item.itemId(), "bob", 1).status())
                    .as("bob may buy again")
                    .isEqualTo(202);
        }
    }
}
