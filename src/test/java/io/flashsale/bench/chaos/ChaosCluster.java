package io.flashsale.bench.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The app processes of the run, each role in processes of its own (api-1..n, worker-1..m, dlq,
 * reconciler), each behind its own broker proxy. Settings are short on purpose: reservations
 * expire after 8 s, a confirmed order must be paid within a few seconds (BENCH_CHAOS_PAYMENT_WINDOW_S)
 * and the reconciler looks every second, so holds time out during the run and a run settles
 * within seconds of the crowd's end.
 */
final class ChaosCluster implements AutoCloseable {

    /** Six JVMs starting on a loaded 2-core machine have been seen to need more than 4 minutes. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    static final String ADMIN_TOKEN = "chaos-admin-token";
    /** The retry delays every process and the quiet check agree on (the queue names carry them). */
    static final List<Duration> RETRY_DELAYS =
            List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));

    private final List<AppMember> members = new ArrayList<>();

    ChaosCluster(ChaosSettings settings, Map<String, String> redisEnvironment) throws IOException {
        Map<String, String> environment = new HashMap<>(redisEnvironment);
        environment.putAll(Map.ofEntries(
                Map.entry("SPRING_DATASOURCE_URL", io.flashsale.support.IsolatedEnvironment.POSTGRES + settings.name()),
                Map.entry("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "4"),
                Map.entry("FLASHSALE_GATE_KEY_PREFIX", settings.name()),
                Map.entry("FLASHSALE_MESSAGING_PREFIX", settings.name()),
                Map.entry("FLASHSALE_MESSAGING_RETRY_DELAYS", "1s,2s,4s"),
                Map.entry("SPRING_RABBITMQ_VIRTUAL_HOST", settings.name()),
                Map.entry("SPRING_RABBITMQ_HOST", "127.0.0.1"),
                Map.entry("FLASHSALE_ADMIN_TOKEN", ADMIN_TOKEN),
                Map.entry("FLASHSALE_GATE_MODE", settings.mode()),
                Map.entry("FLASHSALE_RATE_LIMIT_ENABLED", "false"),
                Map.entry("FLASHSALE_CONCURRENCY_LIMIT_ENABLED", "false"),
                Map.entry("FLASHSALE_RESERVATION_TTL", "8s"),
                Map.entry("FLASHSALE_PAYMENT_WINDOW", settings.paymentWindowSeconds() + "s"),
                Map.entry("FLASHSALE_RECONCILER_INTERVAL", "1s"),
                Map.entry("FLASHSALE_RECONCILER_GRACE", "2s"),
                Map.entry("FLASHSALE_DEMO", "false")));
        List<String> command =
                new ArrayList<>(List.of(javaCommand(), "-Xmx" + System.getenv().getOrDefault("BENCH_HEAP", "384m")));
        for (String option : settings.javaOptions().split("\\s+")) {
            if (!option.isBlank()) {
                command.add(option);
            }
        }
        command.addAll(List.of("-jar", settings.jar().toString()));
        var broker = new InetSocketAddress("127.0.0.1", settings.rabbitPort());
        for (String label : labels(settings)) {
            // api-1 -> api, worker-2 -> worker, dlq -> dlq
            String role = label.replaceFirst("-\\d+$", "");
            members.add(new AppMember(
                    label,
                    role,
                    ChaosRun.freePort(),
                    new BrokerProxy(broker),
                    command,
                    environment,
                    settings.runDir()));
        }
    }

    /** The processes of a run, in start order; the fault schedule draws its targets from these labels. */
    static List<String> labels(ChaosSettings settings) {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= settings.apis(); i++) {
            labels.add("api-" + i);
        }
        for (int i = 1; i <= settings.workers(); i++) {
            labels.add("worker-" + i);
        }
        labels.addAll(List.of("dlq", "reconciler"));
        return labels;
    }

    /** api-1 first (it runs the migrations), the others together, then waits until all are ready. */
    void start() {
        members.getFirst().start();
        members.getFirst().awaitReady(START_TIMEOUT);
        members.stream().skip(1).forEach(AppMember::start);
        members.forEach(member -> member.awaitReady(START_TIMEOUT));
    }

    List<AppMember> members() {
        return members;
    }

    List<AppMember> apis() {
        return members.stream().filter(AppMember::isApi).toList();
    }

    AppMember member(String label) {
        return members.stream()
                .filter(member -> member.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + label));
    }

    /**
     * After the faults: every paused process resumed, every proxy healed, every dead process
     * started again. Returns the labels of the processes found dead: a process the nemesis
     * restarted can still have exited on its own (a start while the broker was down, say).
     */
    List<String> heal() {
        List<String> foundDead = new ArrayList<>();
        for (AppMember member : members) {
            member.resume();
            member.proxy().heal();
            if (!member.isAlive()) {
                foundDead.add(member.label());
                member.start();
            }
        }
        for (AppMember member : members) {
            member.awaitReady(START_TIMEOUT);
        }
        return foundDead;
    }

    @Override
    public void close() {
        members.parallelStream().forEach(AppMember::stop);
        members.forEach(member -> member.proxy().close());
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
