package io.flashsale.bench.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * The crowd's HTTP client: sends one purchase or one status look-up to one api process and logs
 * it, answered or not, in the {@link AnswerLog}. A request gives up after 4 s (the api's publish
 * timeout is 2 s), so a paused api costs a buyer a few seconds, as it would a real one.
 */
final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(4);

    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private final AnswerLog log;
    private final long startNanos;
    private final AtomicLong ids = new AtomicLong();

    ApiClient(AnswerLog log, long startNanos) {
        this.log = log;
        this.startNanos = startNanos;
    }

    Exchange buy(AppMember api, long chain, int attempt, long itemId, String userId, int quantity, String key) {
        String body =
                AnswerLog.JSON.writeValueAsString(Map.of("itemId", itemId, "userId", userId, "quantity", quantity));
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/orders"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return send(
                request.build(),
                new Exchange(
                        0,
                        chain,
                        attempt,
                        "POST",
                        api.label(),
                        itemId,
                        userId,
                        quantity,
                        key,
                        0,
                        0,
                        0,
                        -1,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
    }

    Exchange get(AppMember api, long chain, long follows, UUID orderId, String userId) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/orders/" + orderId))
                .timeout(TIMEOUT)
                .GET()
                .build();
        return send(
                request,
                new Exchange(
                        0,
                        chain,
                        0,
                        "GET",
                        api.label(),
                        0,
                        userId,
                        0,
                        null,
                        follows,
                        0,
                        0,
                        -1,
                        null,
                        null,
                        orderId,
                        null,
                        null,
                        null));
    }

    /** Sends, then logs the request with its answer (or the error that stood for one). */
    private Exchange send(HttpRequest request, Exchange asked) {
        long id = ids.incrementAndGet();
        long sent = elapsedMs();
        Exchange done;
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = parse(response.body());
            UUID named = uuid(body.path("orderId").asString(null));
            done = new Exchange(
                    id,
                    asked.chain(),
                    asked.attempt(),
                    asked.method(),
                    asked.api(),
                    asked.itemId(),
                    asked.userId(),
                    asked.quantity(),
                    asked.key(),
                    asked.follows(),
                    sent,
                    elapsedMs(),
                    response.statusCode(),
                    null,
                    body.path("code").asString(null),
                    named != null ? named : asked.orderId(),
                    body.path("userId").asString(null),
                    body.path("status").isString() ? body.path("status").asString() : null,
                    response.statusCode() == 202 || response.statusCode() == 200 ? null : abbreviate(response.body()));
        } catch (IOException e) {
            done = unanswered(id, asked, sent, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = unanswered(id, asked, sent, e.toString());
        }
        log.record(done);
        return done;
    }

    private Exchange unanswered(long id, Exchange asked, long sent, String error) {
        return new Exchange(
                id,
                asked.chain(),
                asked.attempt(),
                asked.method(),
                asked.api(),
                asked.itemId(),
                asked.userId(),
                asked.quantity(),
                asked.key(),
                asked.follows(),
                sent,
                elapsedMs(),
                -1,
                error,
                null,
                asked.orderId(),
                null,
                null,
                null);
    }

    private long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? AnswerLog.JSON.missingNode() : AnswerLog.JSON.readTree(body);
        } catch (RuntimeException e) {
            return AnswerLog.JSON.missingNode(); // not JSON (a container's error page): the log keeps the text
        }
    }

    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 400 ? body : body.substring(0, 400) + "...";
    }
}
