package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.Deployment;
import io.flashsale.support.RecoveryTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The API process dies after the gate reserved a unit and before the order was published. */
class ApiCrashBetweenReserveAndPublishIT {

    private static final Map<String, String> SHORT_RESERVATIONS = Map.of(
            "FLASHSALE_RESERVATION_TTL", "8s",
            "FLASHSALE_RECONCILER_INTERVAL", "500ms",
            "FLASHSALE_RECONCILER_GRACE", "1s");

    @Test
    void theOrphanedReservationExpiresAndTheUnitIsSoldAgain() {
        try (var deployment = new Deployment()) {
            var crashingApi = deployment.start(
                    "api-crashing",
                    "api",
                    Map.of(
                            "SPRING_PROFILES_ACTIVE", "fault-injection",
                            "FLASHSALE_FAULTS_HALT_BEFORE_PUBLISH_OF_USER", "crasher",
                            "FLASHSALE_RESERVATION_TTL", "8s"));
            var client = deployment.client(deployment.start("api", "api", SHORT_RESERVATIONS));
            deployment.start("backend", "worker,dlq,reconciler", SHORT_RESERVATIONS);
            var item = client.openSale(1, 1);

            Instant crashed = Instant.now();
            assertThatThrownBy(() -> deployment.client(crashingApi).buy(item.itemId(), "crasher", 1))
                    .as("the API process halts while answering")
                    .isInstanceOf(RuntimeException.class);
            assertThat(client.buy(item.itemId(), "bob", 1).code())
                    .as("the unit is still reserved")
                    .isEqualTo("SOLD_OUT");

            var accepted = await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.buy(item.itemId(), "bob", 1), response -> response.status() == 202);

            RecoveryTimes.report("API halted holding a reservation (ttl 8s) -> unit sold again", crashed);
            UUID orphan = deployment
                    .jdbc()
                    .sql("SELECT order_id FROM orders WHERE user_id = 'crasher'")
                    .query(UUID.class)
                    .single();
            assertThat(deployment
                            .jdbc()
                            .sql("SELECT status || ':' || reason FROM orders WHERE order_id = ?")
                            .param(orphan)
                            .query(String.class)
                            .single())
                    .isEqualTo("EXPIRED:RESERVATION_EXPIRED");
            deployment
                    .invariants()
                    .awaitQuietAndAssert(item.itemId(), Set.of(orphan, accepted.orderId()), Duration.ofSeconds(30));
            assertThat(client.get("/api/v1/orders/" + accepted.orderId())
                            .body()
                            .path("status")
                            .asString())
                    .isEqualTo("CONFIRMED");
        }
    }
}
