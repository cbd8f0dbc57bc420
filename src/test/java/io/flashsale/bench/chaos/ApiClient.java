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
 * The crowd's HTTP client: sends one request (a purchase, a look-up, a payment, a cancellation, a
 * standing order, its look-up or withdrawal) to one api process and logs it, answered or not, in the
 * {@link AnswerLog}. A request gives up after 4 s (the api's publish
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
        var request = post(api, "/api/v1/orders", body);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return send(
                request.build(),
                Exchange.asked("POST", api, chain, attempt, itemId, userId, quantity, key, 0, null, null, null));
    }

    Exchange get(AppMember api, long chain, long follows, UUID orderId, String userId) {
        var request = HttpRequest.newBuilder(uri(api, "/api/v1/orders/" + orderId))
                .timeout(TIMEOUT)
                .GET()
                .build();
        return send(request, Exchange.asked("GET", api, chain, 0, 0, userId, 0, null, follows, orderId, null, null));
    }

    Exchange pay(AppMember api, long chain, int attempt, UUID orderId, String userId, String reference) {
        String body = AnswerLog.JSON.writeValueAsString(Map.of("paymentReference", reference));
        return send(
                post(api, "/api/v1/orders/" + orderId + "/payment", body).build(),
                Exchange.asked("PAY", api, chain, attempt, 0, userId, 0, null, 0, orderId, reference, null));
    }

    Exchange cancel(AppMember api, long chain, int attempt, UUID orderId, String userId) {
        var request = HttpRequest.newBuilder(uri(api, "/api/v1/orders/" + orderId + "/cancel"))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request, Exchange.asked("CANCEL", api, chain, attempt, 0, userId, 0, null, 0, orderId, null, null));
    }

    Exchange standBy(AppMember api, long chain, int attempt, long itemId, String userId, int quantity) {
        String body = AnswerLog.JSON.writeValueAsString(Map.of("userId", userId, "quantity", quantity));
        return send(
                post(api, "/api/v1/items/" + itemId + "/standby", body).build(),
                Exchange.asked("STANDBY", api, chain, attempt, itemId, userId, quantity, null, 0, null, null, null));
    }

    Exchange standing(AppMember api, long chain, UUID standbyId, String userId) {
        var request = HttpRequest.newBuilder(uri(api, "/api/v1/standby/" + standbyId))
                .timeout(TIMEOUT)
                .GET()
                .build();
        return send(request, Exchange.asked("STANDING", api, chain, 0, 0, userId, 0, null, 0, null, null, standbyId));
    }

    Exchange withdraw(AppMember api, long chain, int attempt, UUID standbyId, String userId) {
        var request = HttpRequest.newBuilder(uri(api, "/api/v1/standby/" + standbyId))
                .timeout(TIMEOUT)
                .DELETE()
                .build();
        return send(
                request, Exchange.asked("WITHDRAW", api, chain, attempt, 0, userId, 0, null, 0, null, null, standbyId));
    }

    private static HttpRequest.Builder post(AppMember api, String path, String json) {
        return HttpRequest.newBuilder(uri(api, path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static URI uri(AppMember api, String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
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
            UUID standing = uuid(body.path("standbyId").asString(null));
            int status = response.statusCode();
            // a problem's code, or the reason of an order shown (SOLD_OUT, PAYMENT_TIMEOUT, ...)
            String code = body.path("code").asString(body.path("reason").asString(null));
            done = asked.answered(
                    id,
                    sent,
                    elapsedMs(),
                    status,
                    null,
                    code,
                    named != null ? named : asked.orderId(),
                    body.path("userId").asString(null),
                    body.path("status").isString() ? body.path("status").asString() : null,
                    standing != null ? standing : asked.standbyId(),
                    status / 100 == 2 ? null : abbreviate(response.body()));
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            done = asked.answered(
                    id,
                    sent,
                    elapsedMs(),
                    -1,
                    e.toString(),
                    null,
                    asked.orderId(),
                    null,
                    null,
                    asked.standbyId(),
                    null);
        }
        log.record(done);
        return done;
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
