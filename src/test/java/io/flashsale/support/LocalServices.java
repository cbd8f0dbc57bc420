package io.flashsale.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Stops and starts the machine's PostgreSQL and RabbitMQ, for outage tests. */
public final class LocalServices {

    private LocalServices() {}

    public static boolean canControlPostgres() {
        return Files.isDirectory(Path.of("/etc/postgresql")) && "root".equals(System.getProperty("user.name"));
    }

    public static void stopPostgres() {
        run("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main stop -m fast");
    }

    public static void startPostgres() {
        run("pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }

    /** Redis here keeps nothing on disk, so a restart is also the loss of every key. */
    public static void restartRedis() {
        run(
                "redis-cli -h 127.0.0.1 shutdown nosave || true; "
                        + "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no "
                        + "--dir /var/lib/redis --logfile /var/log/redis/ci.log && "
                        + "for i in $(seq 1 50); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && exit 0; sleep 0.2; done; exit 1");
    }

    public static boolean canRestartRedis() {
        return Files.isDirectory(Path.of("/var/lib/redis")) && "root".equals(System.getProperty("user.name"));
    }

    public static void stopRabbitApp() {
        run("rabbitmqctl -q stop_app");
    }

    public static void startRabbitApp() {
        run("rabbitmqctl -q start_app && rabbitmqctl -q await_startup");
    }

    private static void run(String command) {
        try {
            Process process =
                    new ProcessBuilder("bash", "-c", command).inheritIO().start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("'" + command + "' failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
