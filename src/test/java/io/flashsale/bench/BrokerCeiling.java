package io.flashsale.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.OrderRequested;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ceilings of the broker underneath the system, measured with the plain RabbitMQ Java client
 * and no database: how fast one consumer with manual acks and the worker's prefetch drains the very
 * messages the API published (a tap queue bound next to the orders queues receives a copy of each),
 * and how fast persistent messages of an order's size are published with confirms.
 */
final class BrokerCeiling {

    private BrokerCeiling() {}

    static String tapQueue(String name) {
        return name + ".bench.tap";
    }

    static String rawQueue(String name) {
        return name + ".bench.raw";
    }

    /** Binds NAME.bench.tap to the orders exchange with every orders queue's routing key: it gets a copy of every order. */
    static int tap(String name) throws IOException, TimeoutException {
        OrderQueues queues = BenchTool.queues(name);
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            // Same arguments as the application's declaration (durable direct exchange), so either may come first.
            channel.exchangeDeclare(queues.exchange(), "direct", true);
            channel.queueDeclare(tapQueue(name), true, false, false, null);
            for (String orderQueue : queues.orderQueues()) {
                channel.queueBind(tapQueue(name), queues.exchange(), orderQueue);
            }
        }
        return 0;
    }

    /**
     * Deletes the harness's own queues of {@code name} and the other queues and exchanges given (those
     * rabbitmqctl listed with the prefix {@code name.}: retry queues of other delays, say), in the app's
     * virtual host; names without that prefix are left alone.
     */
    static void deleteBenchQueues(String name, List<String> queues, List<String> exchanges)
            throws IOException, TimeoutException {
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            channel.queueDelete(tapQueue(name));
            channel.queueDelete(rawQueue(name));
            channel.queueDelete(ConfirmProbe.probeQueue(name));
            for (String queue : queues) {
                if (queue.startsWith(name + ".")) {
                    channel.queueDelete(queue);
                }
            }
            for (String exchange : exchanges) {
                if (exchange.startsWith(name + ".")) {
                    channel.exchangeDelete(exchange);
                }
            }
        }
    }

    /** Drains --count messages from the tap queue with one consumer, --prefetch and one ack per message. */
    static int rawConsume(BenchTool.Options options) throws Exception {
        String name = options.name();
        long count = options.number("count", 0);
        int prefetch = (int) options.number("prefetch", 400);
        var done = new CountDownLatch(1);
        var received = new AtomicLong();
        var first = new AtomicLong();
        var last = new AtomicLong();
        long started = System.nanoTime();
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            channel.basicQos(prefetch);
            channel.basicConsume(tapQueue(name), false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws IOException {
                    long now = System.nanoTime();
                    first.compareAndSet(0, now);
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    last.set(now);
                    if (received.incrementAndGet() == count) {
                        done.countDown();
                    }
                }
            });
            boolean complete = done.await(options.number("timeout-s", 600), TimeUnit.SECONDS);
            // Like the worker's figure (first to last settlement), timed from the first delivery.
            double seconds = Math.max(last.get() - first.get(), 1) / 1e9;
            System.out.printf(
                    "{\"probe\":\"raw-consume\",\"complete\":%s,\"messages\":%d,\"prefetch\":%d,"
                            + "\"seconds\":%.3f,\"first_delivery_after_s\":%.3f,\"rate\":%.1f}%n",
                    complete,
                    received.get(),
                    prefetch,
                    seconds,
                    (first.get() - started) / 1e9,
                    received.get() / seconds);
            channel.queueDelete(tapQueue(name));
            return complete ? 0 : 1;
        }
    }

    /**
     * Publishes --count persistent messages of an order's size to NAME.bench.raw, with publisher
     * confirms and at most --inflight unconfirmed at a time (the API's concurrency), then deletes it.
     */
    static int rawPublish(BenchTool.Options options) throws Exception {
        String name = options.name();
        long count = options.number("count", 0);
        int inflight = (int) options.number("inflight", 300);
        byte[] body = orderMessage();
        var permits = new Semaphore(inflight);
        var confirmed = new AtomicLong();
        var nacked = new AtomicLong();
        try (Connection connection = connect();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(rawQueue(name), true, false, false, null);
            channel.confirmSelect();
            channel.addConfirmListener(
                    (tag, multiple) -> settle(channel, tag, multiple, permits, confirmed), (tag, multiple) -> {
                        nacked.incrementAndGet();
                        settle(channel, tag, multiple, permits, confirmed);
                    });
            var properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2);
            long started = System.nanoTime();
            for (long i = 0; i < count; i++) {
                permits.acquire();
                channel.basicPublish(
                        "",
                        rawQueue(name),
                        true,
                        properties.messageId(UUID.randomUUID().toString()).build(),
                        body);
            }
            permits.acquire(inflight);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "{\"probe\":\"raw-publish\",\"messages\":%d,\"confirmed\":%d,\"nacked\":%d,"
                            + "\"inflight\":%d,\"message_bytes\":%d,\"seconds\":%.3f,\"rate\":%.1f}%n",
                    count, confirmed.get(), nacked.get(), inflight, body.length, seconds, count / seconds);
            channel.queueDelete(rawQueue(name));
            return nacked.get() == 0 ? 0 : 1;
        }
    }

    // Confirms arrive on the connection's thread in order; "multiple" covers every tag up to this one.
    private static long lastSettled;

    private static synchronized void settle(
            Channel channel, long tag, boolean multiple, Semaphore permits, AtomicLong confirmed) {
        int settled = multiple ? (int) (tag - lastSettled) : 1;
        lastSettled = Math.max(lastSettled, tag);
        confirmed.addAndGet(settled);
        permits.release(settled);
    }

    /** An order message as the API publishes it (same record, same JSON), so the size matches. */
    static byte[] orderMessage() {
        Instant now = Instant.now();
        var order =
                new OrderRequested(UUID.randomUUID(), 123_456, "buyer-123456", 1, now, now.plus(5, ChronoUnit.MINUTES));
        return JsonMapper.builder().build().writeValueAsBytes(order);
    }

    static Connection connect() throws IOException, TimeoutException {
        var factory = new ConnectionFactory();
        factory.setHost(System.getenv().getOrDefault("SPRING_RABBITMQ_HOST", "127.0.0.1"));
        factory.setVirtualHost(System.getenv().getOrDefault("SPRING_RABBITMQ_VIRTUAL_HOST", "/"));
        return factory.newConnection("flashsale-bench");
    }
}
