package io.flashsale.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events client, as a browser's EventSource reads a stream: events are collected as
 * they arrive (comments and {@code retry} lines are left out) for the test to take one by one.
 */
public final class EventStream implements AutoCloseable {

    public record Event(String name, String id, String data) {

        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int status;
    private final HttpHeaders headers;
    private final String body;
    private final Stream<String> lines;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private EventStream(int status, HttpHeaders headers, String body, Stream<String> lines) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.lines = lines;
    }

    /** Opens the stream at {@code path}; {@code headers} are name, value pairs (Last-Event-ID, Authorization). */
    public static EventStream open(int port, String path, String... headers) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream")
                .GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            HttpResponse<Stream<String>> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                String body;
                try (Stream<String> text = response.body()) {
                    body = String.join("\n", text.toList());
                }
                return new EventStream(response.statusCode(), response.headers(), body, null);
            }
            var stream = new EventStream(200, response.headers(), "", response.body());
            Thread.ofVirtual().name("event-stream-reader").start(stream::read);
            return stream;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        String name = null;
        String id = null;
        List<String> data = new ArrayList<>();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name == null ? "message" : name, id, String.join("\n", data)));
                    }
                    name = null;
                    id = null;
                    data.clear();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).stripLeading());
                }
            }
        } catch (RuntimeException e) {
            // closed by the test, or by the server
        } finally {
            ended.countDown();
        }
    }

    /** Whether the server ended the stream within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) {
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The body of an answer that was not a stream (problem details). */
    public JsonNode problem() {
        return JSON.readTree(body);
    }

    /** The next event, waiting at most {@code timeout}; null if none came. */
    public Event next(Duration timeout) {
        try {
            return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next event named {@code name}, skipping others; null if none came within {@code timeout}. */
    public Event next(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = next(Duration.ofNanos(deadline - System.nanoTime()));
            if (event != null && event.name().equals(name)) {
                return event;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
        }
    }
}
