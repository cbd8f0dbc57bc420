package io.flashsale.support;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts the commands Redis receives that mention a given text (a key of one test's item, a
 * buyer id), with Redis's MONITOR on a connection of its own. Other processes share the Redis;
 * the text picks this test's commands out. {@link #seen()} first sends a marker through a second
 * connection and waits until MONITOR has shown it, so every command sent before is counted.
 */
public final class RedisCommandMonitor implements AutoCloseable {

    private final Socket monitor;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    public RedisCommandMonitor(String mentioning) {
        try {
            monitor = new Socket("127.0.0.1", 6379);
            monitor.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            var in = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(in.readLine())) {
                throw new IllegalStateException("Redis refused MONITOR");
            }
            reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.contains(mentioning) || line.contains("\"ECHO\"")) {
                            lines.add(line);
                        }
                    }
                } catch (IOException closed) {
                    // the monitor was closed
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commands seen so far that mention the text, once Redis has shown everything sent before this call. */
    public List<String> seen() {
        String marker = "monitor-marker-" + UUID.randomUUID();
        try (var socket = new Socket("127.0.0.1", 6379)) {
            OutputStream out = socket.getOutputStream();
            out.write(("ECHO " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().read(new byte[64]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> lines.stream().anyMatch(line -> line.contains(marker)));
        return lines.stream().filter(line -> !line.contains("\"ECHO\"")).toList();
    }

    @Override
    public void close() {
        try {
            monitor.close();
            reader.join(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
