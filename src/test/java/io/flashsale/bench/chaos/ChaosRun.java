package io.flashsale.bench.chaos;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.bench.chaos.SaleSetup.Item;
import io.flashsale.support.IsolatedEnvironment;
import io.flashsale.support.SaleInvariants;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code bench/run.sh chaos}: app processes of every role, a crowd of buyers, a seeded schedule of
 * faults meanwhile; then every fault lifted, a wait until quiet, and the invariants and promises of
 * DESIGN section 5 checked. Exit status 0 when nothing was violated, 1 otherwise. With
 * {@code --print-schedule} it only prints the schedule the seed draws (to replay or compare).
 * Settings come from the environment (see {@link ChaosSettings} and docs/CHAOS.md).
 */
public final class ChaosRun {

    private final ChaosSettings settings;

    private ChaosRun(ChaosSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        // The harness's own Redis and RabbitMQ clients log every reconnect a fault causes; the
        // report is what matters on standard output.
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.ERROR);
        ChaosSettings settings = ChaosSettings.fromEnvironment(System.getenv());
        if (List.of(args).contains("--print-schedule")) {
            System.out.print(schedule(settings, ChaosCluster.labels(settings), settings.redisCluster() ? 3 : 1)
                    .describe());
            System.exit(0);
        }
        System.exit(new ChaosRun(settings).run());
    }

    private int run() throws Exception {
        Files.createDirectories(settings.runDir());
        say("seed " + settings.seed() + ", mode " + settings.mode() + ", " + settings.seconds() + " s; state "
                + settings.name());
        var broker = new Broker(settings.name(), settings.rabbitNode());
        broker.createVirtualHost(settings.quorum());
        IsolatedEnvironment.createDatabase(settings.name());
        var redis = new RedisNodes(settings);
        ChaosCluster cluster = null;
        try {
            redis.start();
            cluster = new ChaosCluster(settings, redis.appEnvironment());
            say("starting " + cluster.members().size() + " processes");
            cluster.start();
            return runAgainst(cluster, broker, redis).passed() ? 0 : 1;
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            cleanUp(broker, redis);
        }
    }

    private ChaosReport runAgainst(ChaosCluster cluster, Broker broker, RedisNodes redis) throws Exception {
        List<String> labels = cluster.members().stream().map(AppMember::label).toList();
        FaultSchedule schedule = schedule(settings, labels, redis.size());
        Files.writeString(settings.runDir().resolve("schedule.txt"), schedule.describe());
        System.err.print(schedule.describe());
        List<Item> items = SaleSetup.create(cluster.apis().getFirst(), schedule.saleEndMs());
        Map<String, Long> itemIds = items.stream().collect(Collectors.toMap(Item::name, Item::id));
        say("items " + items);

        var connections = new LettuceConnectionFactory(
                redis.springConfiguration(), LettuceClientConfiguration.defaultConfiguration());
        connections.afterPropertiesSet();
        connections.start();
        try (var answers = new AnswerLog(settings.runDir().resolve("answers.jsonl"));
                var nemesis = new Nemesis(
                        handlers(cluster, broker, redis, itemIds),
                        settings.runDir().resolve("faults.jsonl"))) {
            Crowd crowd = crowdUnderFaults(cluster, items, schedule, answers, nemesis);
            say("lifting every fault");
            broker.startApp();
            List<String> foundDead = cluster.heal();
            var jdbc = JdbcClient.create(
                    new DriverManagerDataSource(IsolatedEnvironment.POSTGRES + settings.name(), "postgres", ""));
            crowd.withdraw(waitingStandingOrders(jdbc));
            var report = check(broker, jdbc, new StringRedisTemplate(connections), items, answers, nemesis, foundDead);
            report.write(settings.runDir());
            report.print();
            return report;
        } finally {
            connections.destroy();
        }
    }

    /** The crowd for the run's seconds with the schedule's faults meanwhile; returns it when both are done. */
    private Crowd crowdUnderFaults(
            ChaosCluster cluster, List<Item> items, FaultSchedule schedule, AnswerLog answers, Nemesis nemesis)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + settings.seconds() * 1_000_000_000L;
        var crowd = new Crowd(
                new ApiClient(answers, start),
                cluster.apis(),
                items,
                deadline,
                Long.parseLong(System.getenv().getOrDefault("BENCH_CHAOS_MAX_REQUESTS", "500000")),
                settings.paymentWindowSeconds() * 1_000L);
        nemesis.start(schedule, start);
        Thread buyers = Thread.ofPlatform().name("crowd").start(() -> {
            try {
                crowd.run(settings.clients(), settings.seed());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        say("crowd of " + settings.clients() + " buyers for " + settings.seconds() + " s, faults meanwhile");
        AppMember.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        nemesis.stop();
        buyers.join(); // a purchase begun before the deadline may still retry for a few seconds
        say("crowd done: " + crowd.requests() + " requests");
        return crowd;
    }

    /** Standing orders left waiting by buyers whose withdrawal got no answer: standing order id to buyer. */
    private static Map<UUID, String> waitingStandingOrders(JdbcClient jdbc) {
        Map<UUID, String> waiting = new LinkedHashMap<>();
        jdbc.sql("SELECT standby_id, user_id FROM standby WHERE status = 'WAITING' ORDER BY seq")
                .query((rs, row) -> waiting.put(rs.getObject("standby_id", UUID.class), rs.getString("user_id")))
                .list();
        return waiting;
    }

    /** After the faults: the quiet wait, then the invariants and the promises, as one report. */
    private ChaosReport check(
            Broker broker,
            JdbcClient jdbc,
            StringRedisTemplate redis,
            List<Item> items,
            AnswerLog answers,
            Nemesis nemesis,
            List<String> foundDead) {
        var keys = new GateKeys(settings.name());
        List<Exchange> log = answers.all();
        Set<UUID> accepted = log.stream()
                .filter(e -> e.isPost() && e.status() == 202 && e.orderId() != null)
                .map(Exchange::orderId)
                .collect(Collectors.toSet());
        say("waiting until quiet (at most " + settings.quietTimeoutSeconds() + " s)");
        long quietStart = System.nanoTime();
        String notQuiet = new QuietWait(broker, jdbc, redis, keys)
                .await(items, accepted, Duration.ofSeconds(settings.quietTimeoutSeconds()));
        long quietWaitMs = (System.nanoTime() - quietStart) / 1_000_000;

        List<Violation> violations = new ArrayList<>();
        if (!notQuiet.isEmpty()) {
            violations.add(new Violation(
                    "quiet", "not quiet after " + settings.quietTimeoutSeconds() + " s: " + notQuiet, List.of()));
        }
        violations.addAll(new ChaosInvariants(new SaleInvariants(jdbc, redis, keys)).check(items, log));
        var promises = new PromiseChecker(log, jdbc);
        violations.addAll(promises.check());
        violations.addAll(LifecyclePromises.of(log, jdbc).check());
        return new ChaosReport(
                settings,
                nemesis.applied(),
                nemesis.errors(),
                answers.byStatus(),
                outcomes(jdbc),
                lifecycle(jdbc),
                promises.unknownOutcomes(),
                foundDead,
                notQuiet,
                quietWaitMs,
                violations);
    }

    private Map<FaultKind, FaultHandler> handlers(
            ChaosCluster cluster, Broker broker, RedisNodes redis, Map<String, Long> items) {
        Map<FaultKind, FaultHandler> handlers = new EnumMap<>(FaultKind.class);
        var processes = new ProcessFaults(cluster);
        var brokerFaults = new BrokerFaults(cluster, broker);
        var redisFaults = new RedisFaults(redis, settings.name(), items);
        var postgres = new PostgresFaults(settings.name(), items);
        for (FaultKind kind : FaultKind.values()) {
            handlers.put(
                    kind,
                    switch (kind) {
                        case KILL, PAUSE -> processes;
                        case BROKER_DELAY, BROKER_STALL, BROKER_CUT, BROKER_RESTART -> brokerFaults;
                        case REDIS_ITEM_KEYS, REDIS_FLUSH, REDIS_RESTART -> redisFaults;
                        case PG_TERMINATE, PG_LOCK -> postgres;
                    });
        }
        return handlers;
    }

    private static FaultSchedule schedule(ChaosSettings settings, List<String> processes, int redisNodes) {
        boolean redisCanRestart = settings.redisIsPrivate() || settings.redisRestart();
        return FaultSchedule.draw(
                settings.seed(),
                settings.seconds(),
                settings.faultGapMs(),
                processes,
                redisNodes,
                FaultSchedule.kindsFor(settings, redisCanRestart));
    }

    private static Map<String, Long> outcomes(JdbcClient jdbc) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        jdbc.sql(
                        "SELECT status || coalesce('/' || reason, '') AS outcome, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1")
                .query((rs, row) -> outcomes.put(rs.getString("outcome"), rs.getLong("n")))
                .list();
        return outcomes;
    }

    /** Standing orders by status, and payments refused (each a refund to make) by reason. */
    private static Map<String, Long> lifecycle(JdbcClient jdbc) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql(
                        """
                        SELECT 'standby ' || status AS what, count(*) AS n FROM standby GROUP BY 1
                        UNION ALL SELECT 'refused payment ' || reason, count(*) FROM refused_payments GROUP BY 1
                        ORDER BY 1
                        """)
                .query((rs, row) -> counts.put(rs.getString("what"), rs.getLong("n")))
                .list();
        return counts;
    }

    private void cleanUp(Broker broker, RedisNodes redis) {
        try {
            if (settings.sharedRedis()) {
                redis.deleteMatching(settings.name() + ":*");
            }
            redis.close();
            broker.startApp();
            broker.deleteVirtualHost();
            IsolatedEnvironment.dropDatabase(settings.name());
        } catch (RuntimeException e) {
            System.err.println("chaos: clean-up incomplete: " + e);
        }
    }

    /**
     * A port free now, below the kernel's ephemeral range (32768 and up): a process starts minutes
     * after its port is chosen, and meanwhile anything on the machine asking for port 0 (other
     * tests, their clients) could take one from that range (seen: "Port ... was already in use").
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (var socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    private static void say(String message) {
        System.err.println("[chaos] " + message);
    }
}
