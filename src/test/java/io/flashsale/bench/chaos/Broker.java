package io.flashsale.bench.chaos;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine's RabbitMQ, through {@code rabbitmqctl}: the run's own virtual host (so deleting it
 * removes every queue and exchange of the run, and its default queue type makes the queues classic
 * or quorum, as in ADR 0038), the stop/start fault, and queue depths for the quiet wait.
 */
final class Broker {

    private final String vhost;
    private final String node;
    private volatile boolean stopped;

    /** @param node the node {@code rabbitmqctl -n} addresses; empty for the machine's default node */
    Broker(String vhost, String node) {
        this.vhost = vhost;
        this.node = node;
    }

    void createVirtualHost(boolean quorum) {
        ctl("add_vhost", vhost, "--default-queue-type", quorum ? "quorum" : "classic");
        ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    }

    void deleteVirtualHost() {
        ctl("delete_vhost", vhost);
    }

    /** {@code rabbitmqctl stop_app}: every connection of every client on this node drops. */
    void stopApp() {
        stopped = true;
        ctl("stop_app");
    }

    /**
     * Starts the broker's application if it is not running, whoever stopped it, and tries again if
     * a start did not take (seen once after two restarts close together: the broker stayed down).
     */
    void startApp() {
        for (int attempt = 1; attempt <= 5 && (stopped || !isRunning()); attempt++) {
            ctl("start_app");
            ctl("await_startup");
            stopped = !isRunning();
        }
    }

    private boolean isRunning() {
        return ctl("eval", "rabbit:is_running().").strip().equals("true");
    }

    /** Messages (ready and unacknowledged) per queue of the run; empty if the broker does not answer. */
    Map<String, Long> queueDepths() {
        Map<String, Long> depths = new LinkedHashMap<>();
        String output = ctl("list_queues", "-p", vhost, "--no-table-headers", "name", "messages");
        for (String line : output.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && parts[1].matches("\\d+")) {
                depths.put(parts[0], Long.parseLong(parts[1]));
            }
        }
        return depths;
    }

    private String ctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        if (!node.isEmpty()) {
            command.addAll(List.of("-n", node));
        }
        command.addAll(List.of(arguments));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
