package io.flashsale.settlement;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.OrderPipeline;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * A retry copy's due time was stamped by the clock of the worker that failed it; a worker whose
 * clock runs ahead (a VM resumed with a stale clock, a mis-set NTP) stamps copies due far in the
 * future. The relay must not sleep on such a copy for longer than the delay of its queue: it holds
 * every copy behind it in its prefetch (up to 250) and, sleeping uninterrupted, is not stopped by
 * the container either, so it takes the copy up again after every restart of the relays.
 */
@FailureScenario
class RetryRelayClockSkewTest {

    private static final int PERSISTENT = 2;

    @Autowired
    SaleFixture fixture;

    @Autowired
    OrderQueues queues;

    @Autowired
    ApplicationContext context;

    @AfterEach
    void relaysRunAgain() {
        pipeline().relays().start();
    }

    @Test
    void aCopyStampedByAWorkerWhoseClockRunsAnHourAheadIsRelayedAfterAtMostItsQueuesDelay() throws Exception {
        var client = fixture.client();
        var item = client.openSale(1, 1);
        pipeline().relays().stop();

        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        await().atMost(Duration.ofSeconds(10)).until(() -> pipeline().messages(queues.retryQueue(1)) == 1);
        // As the worker with the fast clock would have stamped it.
        try (var connection = OrderPipeline.rawConnection();
                var channel = connection.createChannel()) {
            GetResponse copy = channel.basicGet(queues.retryQueue(1), false);
            var headers = new HashMap<>(copy.getProps().getHeaders());
            headers.put(
                    "x-flashsale-retry-at",
                    System.currentTimeMillis() + Duration.ofHours(1).toMillis());
            AMQP.BasicProperties skewed = copy.getProps()
                    .builder()
                    .headers(headers)
                    .deliveryMode(PERSISTENT)
                    .build();
            channel.confirmSelect();
            channel.basicPublish("", queues.retryQueue(1), skewed, copy.getBody());
            channel.waitForConfirmsOrDie(5_000);
            channel.basicAck(copy.getEnvelope().getDeliveryTag(), false);
        }

        pipeline().relays().start();
        pipeline().awaitFailedAndCompensated(doomed, item.itemId());
    }

    private OrderPipeline pipeline() {
        return new OrderPipeline(context);
    }
}
