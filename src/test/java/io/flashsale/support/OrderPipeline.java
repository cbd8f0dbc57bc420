package io.flashsale.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The queues an order travels through, as the tests of the hand-offs between them see them: the
 * worker's retry relays and the dlq consumer to stop and start, queue depths, and the end a doomed
 * order must reach (FAILED, its unit given back, everything quiet).
 */
public final class OrderPipeline {

    private final ApplicationContext context;

    public OrderPipeline(ApplicationContext context) {
        this.context = context;
    }

    /** The worker's retry relays (bean {@code retryRelays}). */
    public Lifecycle relays() {
        return context.getBean("retryRelays", Lifecycle.class);
    }

    /** The dlq role's consumer (bean {@code deadLetterContainer}). */
    public Lifecycle deadLetterConsumer() {
        return context.getBean("deadLetterContainer", Lifecycle.class);
    }

    /** An admin that declares the application's queues again with {@code initialize()}. */
    public RabbitAdmin admin() {
        var admin = new RabbitAdmin(context.getBean(ConnectionFactory.class));
        admin.setApplicationContext(context);
        admin.afterPropertiesSet();
        return admin;
    }

    /** Ready messages in the queue. */
    public int messages(String queue) {
        return (int) admin().getQueueInfo(queue).getMessageCount();
    }

    /** Ready messages in all the orders queues together. */
    public long ordersWaiting() {
        return ShardedOrderQueues.waiting(admin(), context.getBean(OrderQueues.class));
    }

    /** Waits until the order is FAILED/SETTLEMENT_FAILED and compensated, then until the item is quiet. */
    public void awaitFailedAndCompensated(UUID orderId, long itemId) {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(jdbc.sql(
                                "SELECT status || '/' || reason FROM orders WHERE order_id = ? AND compensated_at IS NOT NULL")
                        .param(orderId)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED/SETTLEMENT_FAILED"));
        new SaleInvariants(
                        jdbc,
                        context.getBean(StringRedisTemplate.class),
                        context.getBean(RedisGate.class).keys())
                .awaitQuietAndAssert(itemId, Set.of(orderId), Duration.ofSeconds(30));
    }

    /** A connection of its own, not the app's caching factory, whose channels close() does not close. */
    public static com.rabbitmq.client.Connection rawConnection() throws Exception {
        var factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        return factory.newConnection();
    }
}
