package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.OrderPipeline;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A retry queue deleted while the relays run (an operator following the upgrade advice of ADR 0044
 * against a running worker, a policy, a broker-side mistake), then declared again. The relays were
 * not stopped by the test: they must consume the queue again once it is back, as the settlement
 * consumer does for the orders queue.
 */
@FailureScenario
class RetryQueueDeletedTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    OrderQueues queues;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationContext context;

    @Test
    void aRelayConsumesItsRetryQueueAgainOnceItIsDeclaredAgain() throws Exception {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().admin().deleteQueue(queues.retryQueue(1));
        Thread.sleep(Duration.ofSeconds(25)); // longer than the container's declaration retries (3 x 5 s)
        pipeline().admin().initialize(); // as any process does on its next connection

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(jdbc.sql(
                                "SELECT status || '/' || reason FROM orders WHERE order_id = ? AND compensated_at IS NOT NULL")
                        .param(doomed)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED/SETTLEMENT_FAILED"));
        fixture.invariants().awaitQuietAndAssert(item.itemId(), Set.of(doomed), Duration.ofSeconds(30));
    }

    private OrderPipeline pipeline() {
        return new OrderPipeline(context);
    }
}
