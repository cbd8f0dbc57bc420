package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.SaleFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@FailureScenario
class PoisonMessagesTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    OrderQueues queues;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RedisGate gate;

    @Test
    void poisonEndsInTheParkingLotWhileTheWorkerKeepsSettlingTheRest() {
        var client = fixture.client();
        var item = client.openSale(10, 1);
        var admin = new RabbitAdmin(connectionFactory);
        int parkedBefore = messages(admin, queues.parkingLot());
        double countedBefore = meters.counter("flashsale.dlq.parked").count();

        publish(new byte[] {0, (byte) 0xff, 'g', 'a', 'r', 'b', 'a', 'g', 'e'});
        publish(order(987_654_321L, 1));
        publish(order(item.itemId(), -1));
        var crowd = new Crowd().buy(client, item.itemId(), Crowd.buyers("poison", 5), 5);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(messages(admin, queues.parkingLot())).isEqualTo(parkedBefore + 3);
            assertThat(messages(admin, queues.deadLetterQueue())).isZero();
        });
        assertThat(meters.counter("flashsale.dlq.parked").count()).isEqualTo(countedBefore + 3);
        assertThat(crowd.count(202)).isEqualTo(5);
        fixture.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(30));
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(5);
    }

    private void publish(byte[] body) {
        rabbit.send(
                queues.exchange(),
                queues.orderQueue(0),
                MessageBuilder.withBody(body).build());
    }

    private static byte[] order(long itemId, int quantity) {
        return ("{\"orderId\":\"" + UUID.randomUUID() + "\",\"itemId\":" + itemId
                        + ",\"userId\":\"mallory\",\"quantity\":" + quantity + ",\"requestedAt\":\"" + Instant.now()
                        + "\",\"deadline\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static int messages(RabbitAdmin admin, String queue) {
        return (int) admin.getQueueInfo(queue).getMessageCount();
    }
}
