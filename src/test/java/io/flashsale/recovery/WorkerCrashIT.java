package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.Crowd;
import io.flashsale.support.Deployment;
import io.flashsale.support.RecoveryTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A worker is killed with SIGKILL in the middle of a batch under load; another takes over. */
class WorkerCrashIT {

    @Test
    void everyOrderIsSettledOnceAfterAWorkerIsKilledMidBatch() throws Exception {
        try (var deployment = new Deployment()) {
            var api = deployment.start("api", "api,dlq,reconciler", Map.of());
            var worker = deployment.start("worker-1", "worker", Map.of("FLASHSALE_SETTLEMENT_BATCH_SIZE", "50"));
            var client = deployment.client(api);
            var item = client.openSale(600, 1);
            var crowd = new Crowd();
            CompletableFuture<Crowd> buying = CompletableFuture.supplyAsync(
                    () -> crowd.buy(client, item.itemId(), Crowd.buyers("buyer", 800), 16));

            await().atMost(Duration.ofSeconds(30)).until(() -> confirmed(deployment, item.itemId()) >= 100);
            worker.kill();
            Instant killed = Instant.now();
            int confirmedWhenKilled = confirmed(deployment, item.itemId());
            deployment.start("worker-2", "worker", Map.of("FLASHSALE_SETTLEMENT_BATCH_SIZE", "50"));
            buying.get();

            assertThat(confirmedWhenKilled).isLessThan(600);
            assertThat(crowd.statuses().keySet())
                    .as("answers: %s", crowd.statuses())
                    .containsOnly(202, 409);
            deployment.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(90));
            RecoveryTimes.report(
                    "worker SIGKILL -> every accepted order settled (incl. starting a new worker)", killed);
            assertThat(confirmed(deployment, item.itemId())).isEqualTo(600);
        }
    }

    private static int confirmed(Deployment deployment, long itemId) {
        return deployment
                .jdbc()
                .sql("SELECT count(*) FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                .param(itemId)
                .query(Integer.class)
                .single();
    }
}
