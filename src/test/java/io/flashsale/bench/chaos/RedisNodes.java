package io.flashsale.bench.chaos;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;

/**
 * The run's Redis: by default a private {@code redis-server} on a free loopback port (so that a
 * restart or a flush touches nobody else), with BENCH_CHAOS_REDIS_CLUSTER=1 a 3-master cluster of
 * private servers, with BENCH_CHAOS_SHARED_REDIS=1 the machine's Redis on 6379 (then only the run's
 * prefix is ever deleted, and a restart only if BENCH_CHAOS_REDIS_RESTART=1).
 */
final class RedisNodes implements AutoCloseable {

    private static final int SHARED_PORT = 6379;

    private final ChaosSettings settings;
    private final List<Integer> ports = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final Path dir;
    private final Map<Integer, StatefulRedisConnection<String, String>> connections = new HashMap<>();
    private final List<RedisClient> clients = new ArrayList<>();

    RedisNodes(ChaosSettings settings) {
        this.settings = settings;
        this.dir = settings.runDir().resolve("redis");
    }

    void start() throws IOException, InterruptedException {
        if (settings.sharedRedis()) {
            ports.add(SHARED_PORT);
            return;
        }
        Files.createDirectories(dir);
        int count = settings.redisCluster() ? 3 : 1;
        for (int i = 0; i < count; i++) {
            ports.add(ChaosRun.freePort());
            servers.add(null);
        }
        for (int i = 0; i < count; i++) {
            launch(i);
        }
        if (settings.redisCluster()) {
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(create);
            awaitClusterOk();
        }
    }

    /** What the app processes need to find this Redis. */
    Map<String, String> appEnvironment() {
        if (settings.redisCluster()) {
            return Map.of("SPRING_DATA_REDIS_CLUSTER_NODES", nodes());
        }
        return Map.of(
                "SPRING_DATA_REDIS_HOST", "127.0.0.1", "SPRING_DATA_REDIS_PORT", Integer.toString(ports.getFirst()));
    }

    /** For the harness's own Spring Data Redis template (SaleInvariants). */
    RedisConfiguration springConfiguration() {
        if (settings.redisCluster()) {
            return new RedisClusterConfiguration(
                    ports.stream().map(port -> "127.0.0.1:" + port).toList());
        }
        return new RedisStandaloneConfiguration("127.0.0.1", ports.getFirst());
    }

    /**
     * Everything of the run gone at once. On the run's own servers that is FLUSHALL (atomic, as a real
     * flush is); on the shared Redis only the run's prefix may go, key page by key page, which other
     * processes can interleave with.
     */
    void flush(String prefix) {
        if (settings.sharedRedis()) {
            deleteMatching(prefix + ":*");
            return;
        }
        for (int port : ports) {
            connection(port).sync().flushall();
        }
    }

    /**
     * A connection kept open per server: a new client per fault took a second or more on a loaded
     * machine, which stretched a cluster's flush over seconds. Lettuce reconnects after a restart.
     */
    private synchronized StatefulRedisConnection<String, String> connection(int port) {
        return connections.computeIfAbsent(port, p -> {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", p));
            clients.add(client);
            return client.connect();
        });
    }

    /**
     * Deletes every key matching the pattern, on every master; each page of keys found by SCAN goes
     * in one UNLINK, so a pattern inside one hash tag (an item's keys) goes in one command per master.
     */
    int deleteMatching(String pattern) {
        int deleted = 0;
        if (settings.redisCluster()) {
            try (var client = RedisClusterClient.create(RedisURI.create("127.0.0.1", ports.getFirst()));
                    var connection = client.connect()) {
                for (RedisClusterNode node : connection.getPartitions()) {
                    if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                        deleted += deleteMatching(
                                connection.getConnection(node.getNodeId()).sync(), pattern);
                    }
                }
            }
            return deleted;
        }
        try (var client = RedisClient.create(RedisURI.create("127.0.0.1", ports.getFirst()));
                var connection = client.connect()) {
            return deleteMatching(connection.sync(), pattern);
        }
    }

    /** A restart loses every key (no persistence): the "Redis lost everything" fault. */
    boolean canRestart() {
        return settings.redisIsPrivate() || settings.redisRestart();
    }

    /** Restarts one server (chosen by the fault), or the shared one if allowed. */
    void restart(int index) throws IOException, InterruptedException {
        if (settings.sharedRedis()) {
            io.flashsale.support.LocalServices.restartRedis();
            return;
        }
        int i = Math.floorMod(index, servers.size());
        Process old = servers.get(i);
        old.destroyForcibly();
        old.waitFor(10, TimeUnit.SECONDS);
        launch(i);
        if (settings.redisCluster()) {
            // A restarted master comes back empty but with its nodes.conf, so it rejoins with its slots.
            awaitClusterOk();
        }
    }

    int size() {
        return Math.max(1, servers.size());
    }

    @Override
    public void close() {
        connections.values().forEach(StatefulRedisConnection::close);
        clients.forEach(RedisClient::shutdown);
        for (Process server : servers) {
            if (server != null) {
                server.destroyForcibly();
            }
        }
    }

    private String nodes() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    private void launch(int index) throws IOException, InterruptedException {
        int port = ports.get(index);
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--dbfilename",
                "dump-" + port + ".rdb"));
        if (settings.redisCluster()) {
            command.addAll(List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes-" + port + ".conf",
                    "--cluster-node-timeout",
                    "2000"));
        }
        Path log = dir.resolve("redis-" + port + ".log");
        Process server = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        servers.set(index, server);
        Files.writeString(
                settings.runDir().resolve("pids.txt"),
                server.pid() + " redis-" + port + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        for (int i = 0; i < 50; i++) {
            if (run(List.of("redis-cli", "-p", Integer.toString(port), "ping")).contains("PONG")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("redis-server on " + port + " did not start; see " + log);
    }

    private void awaitClusterOk() throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            boolean ok = true;
            for (int port : ports) {
                ok &= run(List.of("redis-cli", "-p", Integer.toString(port), "cluster", "info"))
                        .contains("cluster_state:ok");
            }
            if (ok) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Redis cluster did not reach cluster_state:ok");
    }

    private static int deleteMatching(RedisKeyCommands<String, String> commands, String pattern) {
        int deleted = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page =
                    commands.scan(cursor, ScanArgs.Builder.matches(pattern).limit(10_000));
            deleted += unlink(commands, page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return deleted;
    }

    /** One UNLINK for the keys of one slot (a cluster refuses keys of several slots in one command). */
    private static int unlink(RedisKeyCommands<String, String> commands, List<String> keys) {
        int deleted = 0;
        Map<Integer, List<String>> bySlot = keys.stream().collect(Collectors.groupingBy(SlotHash::getSlot));
        for (List<String> slot : bySlot.values()) {
            deleted += commands.unlink(slot.toArray(String[]::new)).intValue();
        }
        return deleted;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}
