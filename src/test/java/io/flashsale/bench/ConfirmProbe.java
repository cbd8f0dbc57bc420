package io.flashsale.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's own answer time while a load runs, measured apart from the app: a publisher of its
 * own sends one persistent order-sized message every {@code --interval-ms} (20) to a durable queue
 * of its own ({@code NAME.bench.confirm-probe}), until {@code --stop-file} appears, and times each
 * publisher confirm. The app's admissions wait for the same kind of confirm; when this probe's
 * confirms are late at the same moments, the broker as a whole answered late, not the app or its
 * queue. Writes {@code --out} as JSON: {@code {"samples": n, "late_ms": {"p50", "p99", "max"},
 * "stalls": [[epoch_ms sent, ms to confirm], ...]}} with every confirm that took 50 ms or more.
 */
final class ConfirmProbe {

    private static final long STALL_NS = 50_000_000L;

    private ConfirmProbe() {}

    static String probeQueue(String name) {
        return name + ".bench.confirm-probe";
    }

    static int run(BenchTool.Options options) throws IOException, TimeoutException, InterruptedException {
        String queue = probeQueue(options.name());
        long intervalNs = options.number("interval-ms", 20) * 1_000_000L;
        Path stop = Path.of(options.get("stop-file"));
        var sentAt = new ConcurrentSkipListMap<Long, Long>();
        List<Long> tookNs = Collections.synchronizedList(new ArrayList<>());
        List<String> stalls = Collections.synchronizedList(new ArrayList<>());
        long epochOffsetNs = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        try (Connection connection = BrokerCeiling.connect();
                Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            channel.confirmSelect();
            channel.addConfirmListener(
                    (tag, multiple) -> confirmed(sentAt, tag, multiple, tookNs, stalls, epochOffsetNs),
                    (tag, multiple) -> confirmed(sentAt, tag, multiple, tookNs, stalls, epochOffsetNs));
            var properties = new AMQP.BasicProperties.Builder()
                    .contentType("application/json")
                    .deliveryMode(2)
                    .build();
            byte[] body = BrokerCeiling.orderMessage();
            long next = System.nanoTime();
            while (!Files.exists(stop)) {
                sentAt.put(channel.getNextPublishSeqNo(), System.nanoTime());
                channel.basicPublish("", queue, properties, body);
                next += intervalNs;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
            }
            Thread.sleep(2000); // the last confirms
            channel.queueDelete(queue);
        }
        List<Long> sorted;
        synchronized (tookNs) {
            sorted = new ArrayList<>(tookNs);
        }
        Collections.sort(sorted);
        String json;
        synchronized (stalls) {
            json = String.format(
                    Locale.ROOT,
                    "{\"samples\":%d,\"late_ms\":{\"p50\":%s,\"p99\":%s,\"max\":%s},\"stalls\":[%s]}%n",
                    sorted.size(),
                    at(sorted, 0.5),
                    at(sorted, 0.99),
                    at(sorted, 1.0),
                    String.join(",", stalls));
        }
        Files.writeString(Path.of(options.get("out")), json);
        return 0;
    }

    private static void confirmed(
            ConcurrentSkipListMap<Long, Long> sentAt,
            long tag,
            boolean multiple,
            List<Long> tookNs,
            List<String> stalls,
            long epochOffsetNs) {
        long now = System.nanoTime();
        var settled = multiple ? sentAt.headMap(tag, true) : sentAt.subMap(tag, true, tag, true);
        for (long sent : settled.values()) {
            tookNs.add(now - sent);
            if (now - sent >= STALL_NS) {
                stalls.add(String.format(
                        Locale.ROOT, "[%d,%.1f]", (sent + epochOffsetNs) / 1_000_000L, (now - sent) / 1e6));
            }
        }
        settled.clear();
    }

    /** The p-quantile (0 to 1) of sorted nanoseconds, in milliseconds with two decimals, or "null" if none. */
    static String at(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "null";
        }
        long ns = sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size())));
        return String.format(Locale.ROOT, "%.2f", ns / 1e6);
    }
}
