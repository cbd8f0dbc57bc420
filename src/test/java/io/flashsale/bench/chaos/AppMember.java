package io.flashsale.bench.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One app process of the run (label such as {@code api-1} or {@code worker-2}) that the nemesis may
 * kill, pause and restart. Its HTTP port and its broker proxy stay the same across restarts, so the
 * crowd and the proxy faults keep finding it. Every pid it gets is appended to the run's
 * {@code pids.txt}, so {@code bench/run.sh} can stop it by id even if the harness itself dies.
 */
final class AppMember {

    private static final HttpClient PROBE =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String label;
    private final String roles;
    private final int port;
    private final BrokerProxy proxy;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final Path pids;
    private Process process;
    private boolean paused;
    private int starts;

    AppMember(
            String label,
            String roles,
            int port,
            BrokerProxy proxy,
            List<String> command,
            Map<String, String> environment,
            Path runDir) {
        this.label = label;
        this.roles = roles;
        this.port = port;
        this.proxy = proxy;
        this.command = command;
        this.environment = environment;
        this.log = runDir.resolve("logs").resolve(label + ".log");
        this.pids = runDir.resolve("pids.txt");
    }

    String label() {
        return label;
    }

    boolean isApi() {
        return roles.contains("api");
    }

    int port() {
        return port;
    }

    BrokerProxy proxy() {
        return proxy;
    }

    synchronized void start() {
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            builder.environment().put("FLASHSALE_ROLES", roles);
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            builder.environment().put("SPRING_RABBITMQ_PORT", Integer.toString(proxy.port()));
            Files.writeString(
                    log,
                    "=== start " + (++starts) + " of " + label + " ===\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = builder.start();
            paused = false;
            Files.writeString(
                    pids, process.pid() + " " + label + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no graceful stop; a paused process dies too. */
    synchronized void kill() {
        if (isAlive()) {
            process.destroyForcibly();
            waitFor(process);
        }
        paused = false;
    }

    synchronized void pause() {
        if (isAlive() && signal("STOP")) {
            paused = true;
        }
    }

    /** SIGCONT, only to the process that was paused: after a kill and restart there is nothing to resume. */
    synchronized void resume() {
        if (paused && isAlive()) {
            signal("CONT");
        }
        paused = false;
    }

    /** The graceful stop at the end of the run: SIGCONT first (a stopped JVM cannot handle SIGTERM), then SIGTERM. */
    synchronized void stop() {
        resume();
        if (isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    waitFor(process);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Ready as Kubernetes would see it; false while starting, paused or dead. */
    boolean isReady() {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isReady()) {
            if (!isAlive()) {
                throw new IllegalStateException(label + " exited while starting; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(label + " not ready after " + timeout + "; see " + log);
            }
            sleep(500);
        }
    }

    private boolean signal(String signal) {
        try {
            return new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void waitFor(Process process) {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
