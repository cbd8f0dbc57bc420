package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.Crowd;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.ShardedOrderQueues;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The worker reads every orders queue and takes one batch ahead from each (docs/adr/0057): while
 * its batch cannot commit, it holds exactly four batches unacknowledged and leaves the rest ready
 * in the queues, where a second worker (and KEDA) can see them.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.settlement.batch-size=5", "flashsale.settlement.consumers=1"})
class OrderQueuesPrefetchTest {

    private static final int BATCH = 5;

    @Autowired
    SaleFixture fixture;

    @Autowired
    DataSource dataSource;

    @Autowired
    OrderQueues queues;

    @Autowired
    ConnectionFactory rabbit;

    @Test
    void aWorkerHoldsOneBatchFromEachOrdersQueueWhileItsBatchWaitsForTheDatabase() throws Exception {
        var client = fixture.client();
        CreatedItem item = client.openSale(200, 1);
        var admin = new RabbitAdmin(rabbit);
        int buyers = 120;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement()
                    .execute("SELECT id FROM flash_sale_items WHERE id = " + item.itemId() + " FOR UPDATE");
            var crowd = new Crowd().buy(client, item.itemId(), Crowd.buyers("held", buyers), 8);
            assertThat(crowd.count(202)).isEqualTo(buyers);

            // About 30 in each queue; the consumer takes 5 from each and its first batch blocks on the lock.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ShardedOrderQueues.waiting(admin, queues))
                            .as("orders left ready in the orders queues")
                            .isEqualTo(buyers - OrderQueues.ORDER_QUEUE_SHARDS * BATCH));
            for (String queue : queues.orderQueues()) {
                assertThat(admin.getQueueInfo(queue).getConsumerCount())
                        .as("consumers of %s", queue)
                        .isEqualTo(1);
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ShardedOrderQueues.waiting(admin, queues))
                .isZero());
    }
}
