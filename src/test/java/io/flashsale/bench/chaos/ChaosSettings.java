package io.flashsale.bench.chaos;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything a chaos run is told, from the environment that {@code bench/run.sh chaos} passes on
 * (see docs/CHAOS.md for the meaning of each variable). One record, so the report can print it whole.
 *
 * @param name          the run's scratch name: database, Redis key prefix, RabbitMQ prefix and virtual host
 * @param seed          draws the fault schedule; the same seed replays the same schedule
 * @param seconds       how long the crowd runs
 * @param mode          the gate mode of every api process: reserve or check-only
 * @param redisCluster  a 3-master Redis Cluster of the run's own instead of one private redis-server
 * @param sharedRedis   the machine's Redis on 6379 instead of a private one (restart only if allowed)
 * @param redisRestart  with the shared Redis: whether restarting it is a fault (off: other tests use it)
 * @param quorum        the run's virtual host makes quorum queues (ADR 0038)
 * @param brokerRestart whether {@code rabbitmqctl stop_app}/{@code start_app} is a fault (it stops the
 *                      machine's broker for everyone for a few seconds, unless the run has its own node)
 * @param rabbitNode    the RabbitMQ node {@code rabbitmqctl -n} addresses; empty: the machine's default node
 * @param rabbitPort    the AMQP port of that node on 127.0.0.1
 * @param paymentWindowSeconds every process's FLASHSALE_PAYMENT_WINDOW: short, so that holds time out
 *                      and their units come back within the run
 */
record ChaosSettings(
        String name,
        long seed,
        int seconds,
        String mode,
        int apis,
        int workers,
        int clients,
        long faultGapMs,
        boolean redisCluster,
        boolean sharedRedis,
        boolean redisRestart,
        boolean quorum,
        boolean brokerRestart,
        String rabbitNode,
        int rabbitPort,
        int paymentWindowSeconds,
        int quietTimeoutSeconds,
        Path runDir,
        Path jar,
        String javaOptions,
        boolean smoke) {

    static ChaosSettings fromEnvironment(Map<String, String> env) {
        boolean smoke = flag(env, "BENCH_SMOKE", false);
        String mode = env.getOrDefault("BENCH_CHAOS_MODE", "reserve");
        if (!mode.equals("reserve") && !mode.equals("check-only")) {
            throw new IllegalArgumentException("BENCH_CHAOS_MODE is reserve or check-only, not " + mode);
        }
        long seed = env.containsKey("BENCH_SEED")
                ? Long.parseLong(env.get("BENCH_SEED"))
                : ThreadLocalRandom.current().nextLong(1, 1_000_000);
        return new ChaosSettings(
                required(env, "BENCH_NAME"),
                seed,
                number(env, "BENCH_SECONDS", smoke ? 25 : 120),
                mode,
                number(env, "BENCH_CHAOS_APIS", 2),
                number(env, "BENCH_CHAOS_WORKERS", 2),
                number(env, "BENCH_CHAOS_CLIENTS", smoke ? 8 : 12),
                number(env, "BENCH_CHAOS_FAULT_GAP_MS", smoke ? 2500 : 4000),
                flag(env, "BENCH_CHAOS_REDIS_CLUSTER", false),
                flag(env, "BENCH_CHAOS_SHARED_REDIS", false),
                flag(env, "BENCH_CHAOS_REDIS_RESTART", false),
                flag(env, "BENCH_CHAOS_QUORUM", false),
                flag(env, "BENCH_CHAOS_BROKER_RESTART", true),
                env.getOrDefault("BENCH_CHAOS_RABBITMQ_NODE", ""),
                number(env, "BENCH_CHAOS_RABBITMQ_PORT", 5672),
                number(env, "BENCH_CHAOS_PAYMENT_WINDOW_S", 6),
                number(env, "BENCH_QUIET_TIMEOUT_SECONDS", smoke ? 90 : 180),
                Path.of(required(env, "RUN_DIR")),
                Path.of(required(env, "BENCH_JAR")),
                env.getOrDefault("BENCH_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"),
                smoke);
    }

    /** Whether Redis may be restarted (or wholly flushed) without touching anyone else's keys. */
    boolean redisIsPrivate() {
        return !sharedRedis;
    }

    private static String required(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is not set (bench/run.sh chaos sets it)");
        }
        return value;
    }

    private static int number(Map<String, String> env, String key, int fallback) {
        return env.containsKey(key) ? Integer.parseInt(env.get(key)) : fallback;
    }

    private static boolean flag(Map<String, String> env, String key, boolean fallback) {
        return env.containsKey(key) ? env.get(key).equals("1") || env.get(key).equalsIgnoreCase("true") : fallback;
    }
}
