package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.OrderPipeline;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every move of an order message from one queue to another (to a retry queue, back to the orders
 * queue when due, to the dead-letter queue) keeps the original until the broker holds the copy:
 * a copy the broker cannot route, or a retry whose due time passes while nothing relays it, is
 * never lost. The buyer {@value FailureScenario#DOOMED_BUYER}'s settlement always fails, so its
 * order takes every hop: three retries (0.2, 0.4, 0.8 s), then the dead-letter queue and a FAILED row.
 */
@FailureScenario
class QueueHandOffTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    OrderQueues queues;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RedisGate gate;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void everyQueueIsBackAndRelayed() {
        pipeline().admin().initialize();
        pipeline().relays().start();
    }

    @Test
    void aRetryCopyWithNoQueueToGoToLeavesTheOrderInItsQueueUntilItCan() {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().relays().stop();
        pipeline().admin().deleteQueue(queues.retryQueue(1));

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        sleep(Duration.ofSeconds(1));
        assertThat(row(doomed))
                .as("no row while its first retry cannot be queued")
                .isZero();

        pipeline().admin().initialize();
        pipeline().relays().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
        assertThat(gate.tokens(item.itemId())).contains(1L);
    }

    @Test
    void aDeadLetterWithNoQueueToGoToLeavesTheOrderInItsQueueUntilItCan() {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().deadLetterConsumer().stop();
        pipeline().admin().deleteQueue(queues.deadLetterQueue());

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        sleep(Duration.ofSeconds(3));
        assertThat(row(doomed))
                .as("no row while its dead letter cannot be queued")
                .isZero();

        pipeline().admin().initialize();
        pipeline().deadLetterConsumer().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
        assertThat(gate.tokens(item.itemId())).contains(1L);
    }

    @Test
    void aRetryCopyWaitsInItsQueuePastItsDueTimeUntilARelayBringsItBack() {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline().messages(queues.retryQueue(1)) == 1);
        sleep(Duration.ofSeconds(1)); // five times its 200 ms delay: the broker expires nothing by itself
        assertThat(pipeline().messages(queues.retryQueue(1))).isEqualTo(1);
        assertThat(pipeline().ordersWaiting()).isZero();

        pipeline().relays().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
        assertThat(gate.tokens(item.itemId())).contains(1L);
    }

    private int row(UUID orderId) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE order_id = ?")
                .param(orderId)
                .query(Integer.class)
                .single();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private OrderPipeline pipeline() {
        return new OrderPipeline(context);
    }
}
