package io.flashsale.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.flashsale.admission.gate.GateKeys;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.IsolatedEnvironment;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Samples, every --interval-ms until --stop-file appears, what the charts need over time: queue
 * depths (ready messages), order rows of the sampled items (by every writer: the throughput of
 * settlement), the gate's tokens and pending reservations, and the database's committed
 * transactions. One CSV row per sample, epoch milliseconds first, so it lines up with the load
 * generator's log.
 */
final class Sampler {

    private Sampler() {}

    static int run(BenchTool.Options options) throws Exception {
        String name = options.name();
        List<Long> items = Arrays.stream(options.get("items").split(","))
                .map(Long::parseLong)
                .toList();
        Path out = Path.of(options.get("out"));
        Path stop = Path.of(options.get("stop-file"));
        long interval = options.number("interval-ms", 250);
        long until = System.currentTimeMillis() + options.number("max-seconds", 3600) * 1000;
        OrderQueues queues = BenchTool.queues(name);
        GateKeys keys = new GateKeys(name);
        try (var db = DriverManager.getConnection(IsolatedEnvironment.POSTGRES + name, "postgres", "");
                // Cheap on purpose: counting the whole orders table twice per sample was eight scans a
                // second of 100,000 rows and more, charged to the system being measured. Confirmed
                // units come from the items' stock; the harness buys one unit per order, so they are
                // the confirmed orders. Other rows are few, and the (item_id, status) index finds them.
                var statement = db.prepareStatement(
                        """
                     SELECT (SELECT coalesce(sum(total_stock - available), 0) FROM flash_sale_items
                              WHERE id = ANY (?)) AS confirmed,
                            (SELECT count(*) FROM orders
                              WHERE item_id = ANY (?) AND status IN ('FAILED', 'EXPIRED')) AS unconfirmed,
                            (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits
                     """);
                var redisClient = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
                var redis = redisClient.connect();
                Connection rabbit = BrokerCeiling.connect();
                var csv = new PrintWriter(Files.newBufferedWriter(out))) {
            var itemIds = db.createArrayOf("bigint", items.toArray());
            statement.setArray(1, itemIds);
            statement.setArray(2, itemIds);
            csv.println("t_ms,queue_ready,queue_consumers,dlq_ready,rows,confirmed,tokens,pending,db_commits");
            while (!Files.exists(stop) && System.currentTimeMillis() < until) {
                long started = System.currentTimeMillis();
                long[] orders = depth(rabbit, queues.orderQueues());
                long dlq = depth(rabbit, queues.deadLetterQueue())[0];
                long rows;
                long confirmed;
                long commits;
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    confirmed = result.getLong("confirmed");
                    rows = confirmed + result.getLong("unconfirmed");
                    commits = result.getLong("commits");
                }
                long tokens = 0;
                long pending = 0;
                for (long item : items) {
                    String value = redis.sync().get(keys.tokens(item));
                    tokens += value == null ? 0 : Long.parseLong(value);
                    pending += redis.sync().hlen(keys.pending(item));
                }
                csv.printf(
                        "%d,%d,%d,%d,%d,%d,%d,%d,%d%n",
                        started, orders[0], orders[1], dlq, rows, confirmed, tokens, pending, commits);
                csv.flush();
                Thread.sleep(Math.max(0, interval - (System.currentTimeMillis() - started)));
            }
        }
        return 0;
    }

    /** Ready messages in all the orders queues together, and the most consumers any has (each consumer reads them all); -1s if one could not be asked. */
    private static long[] depth(Connection rabbit, List<String> queues) {
        long ready = 0;
        long consumers = 0;
        for (String queue : queues) {
            long[] one = depth(rabbit, queue);
            if (one[0] < 0) {
                return one;
            }
            ready += one[0];
            consumers = Math.max(consumers, one[1]);
        }
        return new long[] {ready, consumers};
    }

    /** Ready messages and consumers of a queue, or -1 if it does not exist (yet): the broker then closes the channel. */
    private static long[] depth(Connection rabbit, String queue) {
        Channel channel = null;
        try {
            channel = rabbit.createChannel();
            var ok = channel.queueDeclarePassive(queue);
            return new long[] {ok.getMessageCount(), ok.getConsumerCount()};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        } finally {
            if (channel != null && channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | TimeoutException | RuntimeException ignored) {
                    // closing a channel we no longer need
                }
            }
        }
    }
}
