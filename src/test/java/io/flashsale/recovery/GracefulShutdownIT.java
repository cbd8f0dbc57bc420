package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.Crowd;
import io.flashsale.support.Deployment;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.RecoveryTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to an API and a worker under load. Requests in flight finish (a 503 only with its
 * reservation given back), the worker commits and acknowledges its batch: nothing is lost. The
 * reservation TTL stays long, so a reservation that was not given back would still be pending at
 * the end and fail the invariants, instead of being healed by the reconciler.
 */
class GracefulShutdownIT {

    @Test
    void stoppingAnApiAndAWorkerUnderLoadLosesNothing() throws Exception {
        try (var deployment = new Deployment()) {
            deployment.start("recovery", "dlq,reconciler", Map.of());
            var api = deployment.start("api-1", "api", Map.of());
            var worker = deployment.start("worker-1", "worker", Map.of());
            FlashSaleClient client = deployment.client(api);
            var item = client.openSale(2_000, 1);
            var crowd = new Crowd();
            CompletableFuture<Crowd> buying = CompletableFuture.supplyAsync(
                    () -> crowd.buy(client, item.itemId(), Crowd.buyers("buyer", 1_500), 16));

            await().atMost(Duration.ofSeconds(30)).until(() -> crowd.count(202) >= 200);
            CompletableFuture.allOf(
                            CompletableFuture.runAsync(api::terminate), CompletableFuture.runAsync(worker::terminate))
                    .get();
            buying.get();
            Instant stopped = Instant.now();
            deployment.start("worker-2", "worker", Map.of());
            var after = deployment.client(deployment.start("api-2", "api", Map.of()));

            assertThat(crowd.statuses().keySet())
                    .as("answers: %s (-1: connection refused after shutdown)", crowd.statuses())
                    .isSubsetOf(202, 503, -1);
            assertThat(api.output()).doesNotContain("Unexpected error");
            assertThat(worker.output()).contains("Commencing graceful shutdown").doesNotContain("Channel failed");
            deployment.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(60));
            RecoveryTimes.report("API and worker stopped by SIGTERM -> all settled (incl. starting new ones)", stopped);
            assertThat(after.buy(item.itemId(), "after-restart", 1).status()).isEqualTo(202);
        }
    }
}
