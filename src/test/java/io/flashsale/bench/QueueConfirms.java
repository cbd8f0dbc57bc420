package io.flashsale.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * How long the broker takes to confirm persistent messages when they are spread over {@code --queues}
 * durable classic queues, with no app in the way: one publisher sends {@code --rate} order-sized
 * messages a second on one channel, every millisecond what has fallen due (as the app's burst sender
 * does), round robin over the queues {@code NAME.bench.shard.<n>}; one consumer per queue acks them
 * as the worker does, many at once (every 50 messages, or every 10 ms). Confirms of the first
 * {@code --warmup-seconds} (5) are not counted; then nothing is sent for {@code --pause-seconds}
 * (0), as the open loop pauses before its sale; the run lasts {@code --seconds} (20) after them.
 * Writes {@code --out} as JSON: {@code {"queues", "rate", "pause_s", "samples", "confirm_ms": {"p50",
 * "p99", "p999", "max"}, "first_second_ms": {"p99", "max"}, "over_50ms"}}, the first second's
 * being the confirms of what was sent in the measured window's first second. The figures behind
 * docs/adr/0057 and 0058.
 */
final class QueueConfirms {

    private static final int ACK_EVERY = 50;
    private static final long ACK_AT_LEAST_EVERY_MS = 10;

    private QueueConfirms() {}

    static String shardQueue(String name, int shard) {
        return name + ".bench.shard." + shard;
    }

    static int run(BenchTool.Options options) throws IOException, TimeoutException, InterruptedException {
        int queues = (int) options.number("queues", 1);
        long rate = options.number("rate", 800);
        long warmupNs = TimeUnit.SECONDS.toNanos(options.number("warmup-seconds", 5));
        long pauseNs = TimeUnit.SECONDS.toNanos(options.number("pause-seconds", 0));
        long measuredNs = TimeUnit.SECONDS.toNanos(options.number("seconds", 20));
        if (queues < 1 || rate < 1 || pauseNs < 0) {
            throw new IllegalArgumentException("--queues and --rate must be at least 1, --pause-seconds at least 0");
        }
        List<String> names = new ArrayList<>();
        for (int shard = 0; shard < queues; shard++) {
            names.add(shardQueue(options.name(), shard));
        }
        var sentAt = new ConcurrentSkipListMap<Long, Long>();
        List<Long> tookNs = Collections.synchronizedList(new ArrayList<>());
        List<Long> firstSecondNs = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService ackTimer = Executors.newSingleThreadScheduledExecutor();
        try (Connection publisherConnection = BrokerCeiling.connect();
                Connection consumerConnection = BrokerCeiling.connect()) {
            Channel publisher = publisherConnection.createChannel();
            for (String queue : names) {
                publisher.queueDelete(queue);
                publisher.queueDeclare(queue, true, false, false, null);
                consumeInBatches(consumerConnection.createChannel(), queue, ackTimer);
            }
            long start = System.nanoTime();
            long pauseFrom = start + warmupNs;
            long countFrom = pauseFrom + pauseNs;
            long firstSecondEnd = countFrom + TimeUnit.SECONDS.toNanos(1);
            publisher.confirmSelect();
            publisher.addConfirmListener(
                    (tag, multiple) -> {
                        long now = System.nanoTime();
                        var settled = multiple ? sentAt.headMap(tag, true) : sentAt.subMap(tag, true, tag, true);
                        for (long sent : settled.values()) {
                            if (sent >= countFrom) {
                                tookNs.add(now - sent);
                            }
                            if (sent >= countFrom && sent < firstSecondEnd) {
                                firstSecondNs.add(now - sent);
                            }
                        }
                        settled.clear();
                    },
                    (tag, multiple) -> System.err.println("nack of " + tag));
            var persistent = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .build();
            byte[] body = BrokerCeiling.orderMessage();
            long published = 0;
            long end = countFrom + measuredNs;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                // the pause does not count: what falls due is sent at the rate of the time spent sending
                long sending = now < pauseFrom ? now - start : now < countFrom ? warmupNs : now - start - pauseNs;
                long due = sending * rate / 1_000_000_000L;
                for (; published < due; published++) {
                    sentAt.put(publisher.getNextPublishSeqNo(), System.nanoTime());
                    publisher.basicPublish("", names.get((int) (published % queues)), persistent, body);
                }
                LockSupport.parkNanos(1_000_000L);
            }
            Thread.sleep(2000); // the last confirms
            for (String queue : names) {
                publisher.queueDelete(queue);
            }
        } finally {
            ackTimer.shutdownNow();
        }
        List<Long> sorted = sortedCopy(tookNs);
        List<Long> firstSecond = sortedCopy(firstSecondNs);
        long over50 = sorted.stream().filter(ns -> ns > 50_000_000L).count();
        String json = String.format(
                Locale.ROOT,
                "{\"queues\":%d,\"rate\":%d,\"pause_s\":%d,\"samples\":%d,"
                        + "\"confirm_ms\":{\"p50\":%s,\"p99\":%s,\"p999\":%s,\"max\":%s},"
                        + "\"first_second_ms\":{\"p99\":%s,\"max\":%s},\"over_50ms\":%d}%n",
                queues,
                rate,
                TimeUnit.NANOSECONDS.toSeconds(pauseNs),
                sorted.size(),
                ConfirmProbe.at(sorted, 0.5),
                ConfirmProbe.at(sorted, 0.99),
                ConfirmProbe.at(sorted, 0.999),
                ConfirmProbe.at(sorted, 1.0),
                ConfirmProbe.at(firstSecond, 0.99),
                ConfirmProbe.at(firstSecond, 1.0),
                over50);
        Files.writeString(Path.of(options.get("out")), json);
        return 0;
    }

    private static List<Long> sortedCopy(List<Long> synchronizedList) {
        List<Long> copy;
        synchronized (synchronizedList) {
            copy = new ArrayList<>(synchronizedList);
        }
        Collections.sort(copy);
        return copy;
    }

    /** Acks what it was given, many at a time, as a worker acks a settled batch. */
    private static void consumeInBatches(Channel channel, String queue, ScheduledExecutorService ackTimer)
            throws IOException {
        channel.basicQos(1_000);
        var consumer = new DefaultConsumer(channel) {
            private long lastTag;
            private long ackedTag;

            @Override
            public synchronized void handleDelivery(
                    String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                lastTag = envelope.getDeliveryTag();
                if (lastTag - ackedTag >= ACK_EVERY) {
                    ackUpToLast();
                }
            }

            synchronized void ackUpToLast() throws IOException {
                if (lastTag > ackedTag && getChannel().isOpen()) {
                    getChannel().basicAck(lastTag, true);
                    ackedTag = lastTag;
                }
            }
        };
        channel.basicConsume(queue, false, consumer);
        ackTimer.scheduleAtFixedRate(
                () -> {
                    try {
                        consumer.ackUpToLast();
                    } catch (IOException | RuntimeException e) {
                        // the channel closed: the run is over
                    }
                },
                ACK_AT_LEAST_EVERY_MS,
                ACK_AT_LEAST_EVERY_MS,
                TimeUnit.MILLISECONDS);
    }
}
