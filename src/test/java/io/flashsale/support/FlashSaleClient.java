package io.flashsale.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running application over real HTTP, as a client would. */
public final class FlashSaleClient {

    public record Response(int status, JsonNode body, HttpHeaders headers) {

        public String code() {
            return body.path("code").asString(null);
        }

        public UUID orderId() {
            return UUID.fromString(body.path("orderId").asString());
        }
    }

    public record CreatedItem(long saleId, long itemId) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public FlashSaleClient(int port, String adminToken) {
        this.base = "http://127.0.0.1:" + port;
        this.adminToken = adminToken;
    }

    public Response post(String path, String body, String... headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), body, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response buy(long itemId, String userId, int quantity, String... headers) {
        return post(
                "/api/v1/orders",
                JSON.writeValueAsString(Map.of("itemId", itemId, "userId", userId, "quantity", quantity)),
                headers);
    }

    public Response delete(String path, String... headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .DELETE();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public Response pay(UUID orderId, String paymentReference, String... headers) {
        return post(
                "/api/v1/orders/" + orderId + "/payment",
                JSON.writeValueAsString(Map.of("paymentReference", paymentReference)),
                headers);
    }

    public Response cancel(UUID orderId, String... headers) {
        return post("/api/v1/orders/" + orderId + "/cancel", null, headers);
    }

    public Response standBy(long itemId, String userId, int quantity, String... headers) {
        return post(
                "/api/v1/items/" + itemId + "/standby",
                JSON.writeValueAsString(Map.of("userId", userId, "quantity", quantity)),
                headers);
    }

    /** The order's status as GET answers it. */
    public String status(UUID orderId) {
        return get("/api/v1/orders/" + orderId).body().path("status").asString();
    }

    public Response admin(String path, String body) {
        return post(path, body, "Authorization", "Bearer " + adminToken);
    }

    /** A sale open now (or from {@code startsAt}) with one item, warmed up unless told otherwise. */
    public CreatedItem openSale(int stock, int perUserLimit) {
        CreatedItem item =
                createSale(Instant.now().minusSeconds(1), Instant.now().plus(Duration.ofHours(1)), stock, perUserLimit);
        warmUp(item.saleId());
        return item;
    }

    public CreatedItem createSale(Instant startsAt, Instant endsAt, int stock, int perUserLimit) {
        return createSale(startsAt, endsAt, stock, perUserLimit, "SKU-1");
    }

    /** A sale with one item of this SKU (the compatibility facade's {@code product_id}), not warmed up. */
    public CreatedItem createSale(Instant startsAt, Instant endsAt, int stock, int perUserLimit, String sku) {
        Response created = admin(
                "/api/v1/admin/sales",
                JSON.writeValueAsString(Map.of(
                        "name",
                        "Test sale",
                        "startsAt",
                        startsAt.toString(),
                        "endsAt",
                        endsAt.toString(),
                        "items",
                        new Object[] {
                            Map.of(
                                    "sku",
                                    sku,
                                    "name",
                                    "Test item",
                                    "price",
                                    "19.90",
                                    "stock",
                                    stock,
                                    "perUserLimit",
                                    perUserLimit)
                        })));
        if (created.status() != 201) {
            throw new IllegalStateException("Could not create a sale: " + created);
        }
        return new CreatedItem(
                created.body().path("id").asLong(),
                created.body().path("items").get(0).path("id").asLong());
    }

    public Response warmUp(long saleId) {
        return admin("/api/v1/admin/sales/" + saleId + "/warmup", null);
    }
}
