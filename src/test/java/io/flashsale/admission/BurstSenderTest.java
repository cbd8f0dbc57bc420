package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.admission.events.LiveChanges;
import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.ShardedOrderQueues;
import io.micrometer.observation.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The sender's channel, against the real broker: a crowd of orders goes out on one channel and every
 * one is confirmed; a channel the broker closes fails only what it carried, and the next burst goes
 * out on a new one; a channel that keeps closing under a crowd never leaves an order confirmed that
 * is not queued, nor one waiting; stopping fails whatever is unsent; a Redis that cannot cache the
 * statuses fails each burst at once. Each test has a connection factory that counts the channels it
 * opens, and an exchange and queue of its own that nothing consumes.
 */
@FlashSaleIntegrationTest
class BurstSenderTest {

    @Autowired
    ConnectionFactory appConnections;

    @Autowired
    OrderStatusCache statuses;

    @Autowired
    OrderMessages messages;

    @Autowired
    OrderQueues appQueues;

    private final AtomicInteger channelsOpened = new AtomicInteger();
    private CachingConnectionFactory connections;
    private RabbitAdmin admin;
    private OrderQueues queues;
    private BurstSender sender;

    @BeforeEach
    void senderOnItsOwnConnection() {
        connections =
                new CachingConnectionFactory(((CachingConnectionFactory) appConnections).getRabbitConnectionFactory());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connections.setPublisherReturns(true);
        connections.addChannelListener((channel, transactional) -> channelsOpened.incrementAndGet());
        admin = new RabbitAdmin(appConnections);
        queues = new OrderQueues(appQueues.prefix() + ".burst-" + UUID.randomUUID(), appQueues.retryDelays());
        var template = new RabbitTemplate(connections);
        template.setMandatory(true);
        sender = new BurstSender(template, statuses, queues, OrderTraceCarrier.untraced());
        sender.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        sender.stop();
        queues.orderQueues().forEach(admin::deleteQueue);
        admin.deleteExchange(queues.exchange());
        connections.destroy();
    }

    @Test
    void aCrowdOfOrdersGoesOutOnOneChannelAndEveryOneIsConfirmed() throws Exception {
        declareQueue();
        int buyers = 50;
        int ordersEach = 40;
        List<CorrelationData> correlations = new ArrayList<>();
        try (var crowd = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<List<CorrelationData>>> sent = new ArrayList<>();
            for (int buyer = 0; buyer < buyers; buyer++) {
                String userId = "buyer-" + buyer;
                sent.add(crowd.submit(() -> {
                    List<CorrelationData> mine = new ArrayList<>();
                    for (int i = 0; i < ordersEach; i++) {
                        CorrelationData correlation = submit(userId);
                        mine.add(correlation);
                        // Each buyer waits for its confirm, as a request does, so bursts overlap with confirms.
                        correlation.getFuture().get(10, TimeUnit.SECONDS);
                    }
                    return mine;
                }));
            }
            for (var future : sent) {
                correlations.addAll(future.get(60, TimeUnit.SECONDS));
            }
        }

        assertThat(correlations).hasSize(buyers * ordersEach).allSatisfy(correlation -> {
            assertThat(correlation.getFuture().get(0, TimeUnit.SECONDS).ack()).isTrue();
            assertThat(correlation.getReturned()).isNull();
        });
        assertThat(ShardedOrderQueues.waiting(admin, queues)).isEqualTo(buyers * ordersEach);
        Map<String, Long> expectedPerQueue = correlations.stream()
                .collect(Collectors.groupingBy(
                        correlation -> queues.orderQueueFor(correlation.getId()), Collectors.counting()));
        assertThat(expectedPerQueue)
                .as("the orders' ids hash to every orders queue")
                .hasSize(OrderQueues.ORDER_QUEUE_SHARDS);
        expectedPerQueue.forEach(
                (queue, count) -> assertThat(admin.getQueueInfo(queue).getMessageCount())
                        .as("orders in %s: those whose id hashes to it", queue)
                        .isEqualTo(count));
        assertThat(channelsOpened)
                .as("a channel per burst was opened and closed while the previous one awaited its confirms")
                .hasValue(1);
    }

    @Test
    void aChannelTheBrokerClosesFailsOnlyWhatItCarried() throws Exception {
        // No exchange yet: the broker closes the channel (404), and what it carried is nacked.
        CorrelationData lost = submit("alice");
        assertThat(lost.getFuture().get(10, TimeUnit.SECONDS).ack()).isFalse();

        declareQueue();
        CorrelationData next = submit("bob");

        assertThat(next.getFuture().get(10, TimeUnit.SECONDS).ack())
                .as("the next order goes out on a new channel, not on the closed one")
                .isTrue();
        assertThat(ShardedOrderQueues.waiting(admin, queues)).isEqualTo(1);
    }

    @Test
    void underACrowdAChannelThatKeepsClosingNeitherAcksALostOrderNorLeavesOneWaiting() throws Exception {
        declareQueue();
        var storm = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger disruption = new AtomicInteger();
        // Every 40 ms the broker loses the channel: the exchange goes missing (404) or the connection drops.
        storm.scheduleWithFixedDelay(
                () -> {
                    if (disruption.incrementAndGet() % 2 == 0) {
                        connections.resetConnection();
                    } else {
                        admin.deleteExchange(queues.exchange());
                        declareQueue();
                    }
                },
                40,
                40,
                TimeUnit.MILLISECONDS);
        List<CorrelationData> correlations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger waitedTooLong = new AtomicInteger();
        try (var crowd = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int buyer = 0; buyer < 20; buyer++) {
                String userId = "buyer-" + buyer;
                crowd.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        CorrelationData correlation = submit(userId);
                        correlations.add(correlation);
                        try {
                            correlation.getFuture().get(3, TimeUnit.SECONDS);
                        } catch (TimeoutException e) {
                            waitedTooLong.incrementAndGet();
                        } catch (ExecutionException e) {
                            // refused at once: the request withdraws
                        }
                    }
                    return null;
                });
            }
        } finally {
            storm.shutdownNow();
            storm.awaitTermination(5, TimeUnit.SECONDS);
        }
        declareQueue();

        assertThat(waitedTooLong)
                .as("orders left without an answer past the publish timeout")
                .hasValue(0);
        long accepted = correlations.stream()
                .filter(correlation -> !correlation.getFuture().isCompletedExceptionally())
                .filter(correlation -> correlation.getFuture().join().ack() && correlation.getReturned() == null)
                .count();
        assertThat(ShardedOrderQueues.waiting(admin, queues))
                .as("every order the broker confirmed is in the queue")
                .isGreaterThanOrEqualTo(accepted);
        assertThat(submit("carol").getFuture().get(10, TimeUnit.SECONDS).ack())
                .as("the sender still sends")
                .isTrue();
    }

    @Test
    void stoppingInTheMiddleOfACrowdLeavesNoOrderWithoutAnAnswer() throws Exception {
        declareQueue();
        for (int round = 0; round < 5; round++) {
            List<CorrelationData> correlations = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                correlations.add(submit("buyer-" + i));
            }
            Thread.sleep(round * 3L);
            sender.stop();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            long unanswered = correlations.stream()
                    .filter(correlation -> {
                        try {
                            correlation
                                    .getFuture()
                                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                            return false;
                        } catch (TimeoutException e) {
                            return true;
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .count();
            assertThat(unanswered)
                    .as("orders neither confirmed nor failed after the sender stopped (round %d)", round)
                    .isZero();
            sender.start();
        }
    }

    @Test
    void whenRedisCannotCacheTheStatusesEveryOrderFailsAtOnceAndTheSenderGoesOn(
            @Autowired RedisGate gate, @Autowired AdmissionProperties settings, @Autowired LiveChanges live)
            throws Exception {
        declareQueue();
        // A Redis that refuses every connection: nothing listens on port 1.
        var noRedis = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
        noRedis.afterPropertiesSet();
        noRedis.start();
        var template = new RabbitTemplate(connections);
        template.setMandatory(true);
        var withoutRedis = new BurstSender(
                template,
                new OrderStatusCache(new StringRedisTemplate(noRedis), gate, settings, live),
                queues,
                OrderTraceCarrier.untraced());
        sender.stop();
        sender = withoutRedis;
        sender.start();
        try {
            for (int burst = 0; burst < 3; burst++) {
                CorrelationData order = submit("dave");
                assertThat(order.getFuture())
                        .as("an order whose status could not be cached is never sent, and fails at once")
                        .failsWithin(Duration.ofSeconds(3));
            }
            assertThat(ShardedOrderQueues.waiting(admin, queues)).isZero();
        } finally {
            noRedis.destroy();
        }
    }

    private CorrelationData submit(String userId) {
        Instant now = Instant.now();
        var order = new OrderRequested(UUID.randomUUID(), 1, userId, 1, now, now.plus(Duration.ofMinutes(5)));
        var correlation = new CorrelationData(order.orderId().toString());
        sender.submit(new BurstSender.Outgoing(order, messages.encode(order), correlation, Observation.NOOP));
        return correlation;
    }

    private void declareQueue() {
        admin.declareExchange(new DirectExchange(queues.exchange()));
        queues.orderQueues().forEach(queue -> admin.declareQueue(new Queue(queue)));
        ShardedOrderQueues.bindings(queues).forEach(admin::declareBinding);
    }
}
