package io.flashsale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.flashsale.admission.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Random and malformed requests at every endpoint, with the edge as in production (rate limits and
 * load shedding on, default limits): whatever arrives, the answer is never a 5xx, never names
 * anything internal, and PostgreSQL, Redis and RabbitMQ are exactly as they were. Generated
 * purchases are always wrong in at least one way, and no generated credential is the admin token,
 * so that any change of state is a bug.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"spring.datasource.hikari.maximum-pool-size=3", "flashsale.rate-limit.enabled=true",
        "flashsale.concurrency-limit.enabled=true"})
class MalformedRequestPropertiesTest {

    @LocalServerPort int port;
    @Autowired JdbcClient jdbc;
    @Autowired StringRedisTemplate redis;
    @Autowired RedisGate gate;
    @Autowired OrderQueues queues;
    @Autowired ConnectionFactory rabbit;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Probe(String method, String path, List<String> headers, byte[] body) {

        @Override
        public String toString() {
            String text = body == null ? "(none)" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " " + headers + " body[" + (body == null ? 0 : body.length) + "]=" + text;
        }
    }

    @Test
    void noRequestGetsA5xxOrChangesAnyState() {
        CreatedItem item = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN).openSale(5, 1);
        String before = state(item);

        qt().withExamples(600).withShrinkCycles(50).forAll(probes(item)).checkAssert(probe -> {
            HttpResponse<String> response = send(probe);
            assertThat(response.statusCode()).as("%s", probe).isBetween(200, 499);
            if (changesState(probe)) {
                assertThat(response.statusCode()).as("%s", probe).isGreaterThanOrEqualTo(400);
            }
            assertThat(response.body()).as("%s", probe)
                    .doesNotContain("Exception", "java.", "springframework", "io.flashsale", "Tomcat");
        });

        assertThat(state(item)).isEqualTo(before);
    }

    private Gen<Probe> probes(CreatedItem item) {
        Gen<String> method = Generate.pick(List.of("GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"));
        Gen<String> value = Generate.oneOf(
                Generate.pick(List.of("", "0", "-1", "1", Long.toString(item.saleId()), Long.toString(item.itemId()),
                        "9223372036854775807", "9223372036854775808", "1e3", "1.5", "%00", "%2e%2e", "..", "%2F", "null",
                        "00000000-0000-0000-0000-000000000000", "01a20fc9-4a33-70c4-b911-610d5bd07241", "a%20b",
                        "9".repeat(500), "%E2%82%AC", "%FF", "x".repeat(3000))),
                longs().all().map((Long number) -> Long.toString(number)),
                strings().basicLatinAlphabet().ofLengthBetween(0, 40).map((String text) -> encode(text)),
                strings().allPossible().ofLengthBetween(0, 12).map((String text) -> encode(text)));
        Gen<String> path = Generate.pick(List.of(
                        "/api/v1/orders", "/api/v1/orders/{}", "/api/v1/sales/{}", "/api/v1/admin/sales",
                        "/api/v1/admin/sales/{}/warmup", "/flashsale/precheck", "/flashsale/precheck?user_id={}&product_id={}",
                        "/flashsale/precheck?user_id={}", "/flashsale/stock/{}", "/flashsale/result/{}",
                        "/admin/flashsales/{}/warmup", "/{}", "/api/v1/{}", "/api/v1/orders?{}={}"))
                .zip(value, value, (template, first, second) -> template.replaceFirst("\\{}", first).replaceFirst("\\{}", second))
                .map(candidate -> candidate.contains("product_id=" + item.itemId())
                        ? candidate.replace("product_id=" + item.itemId(), "product_id=0") : candidate);
        Gen<List<String>> headers = Generate.pick(List.of("", "application/json", "application/json; charset=utf-8",
                        "application/json; charset=nonsense", "text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "*/*", "garbage", "application/problem+json"))
                .zip(Generate.pick(List.of("", "application/json", "application/xml", "text/html", "*/*", "nonsense/+")),
                        Generate.oneOf(Generate.pick(List.of("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a.b.c",
                                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.", "bearer wrong")),
                                printable(0, 300).map(text -> "Bearer " + text)),
                        Generate.oneOf(Generate.constant(""), printable(0, 200)),
                        (contentType, accept, authorization, idempotencyKey) -> {
                            List<String> all = new ArrayList<>();
                            add(all, "Content-Type", contentType);
                            add(all, "Accept", accept);
                            if (!authorization.strip().equals("Bearer " + FlashSaleIntegrationTest.ADMIN_TOKEN)) {
                                add(all, "Authorization", authorization);
                            }
                            add(all, "Idempotency-Key", idempotencyKey);
                            return all;
                        });
        return method.zip(path, headers, bodies(item), Probe::new);
    }

    private Gen<byte[]> bodies(CreatedItem item) {
        long id = item.itemId();
        Gen<String> wrongPurchase = Generate.pick(List.of(
                "{\"userId\":\"prop\"}", "{\"itemId\":null,\"userId\":\"prop\"}", "{\"itemId\":\"abc\",\"userId\":\"prop\"}",
                "{\"itemId\":-1,\"userId\":\"prop\"}", "{\"itemId\":0,\"userId\":\"prop\"}", "{\"itemId\":1.5,\"userId\":\"prop\"}",
                "{\"itemId\":[],\"userId\":\"prop\"}", "{\"itemId\":{\"$gt\":0},\"userId\":\"prop\"}",
                "{\"itemId\":99999999999999999999,\"userId\":\"prop\"}", "{\"itemId\":123456789012,\"userId\":\"prop\"}",
                "{\"itemId\":ID}", "{\"itemId\":ID,\"userId\":null}", "{\"itemId\":ID,\"userId\":\"\"}",
                "{\"itemId\":ID,\"userId\":\"has space\"}", "{\"itemId\":ID,\"userId\":\"" + "u".repeat(65) + "\"}",
                "{\"itemId\":ID,\"userId\":\"pipe|x\"}", "{\"itemId\":ID,\"userId\":\"\\u00fc\"}", "{\"itemId\":ID,\"userId\":[]}",
                "{\"itemId\":ID,\"userId\":{}}", "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":0}",
                "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":-1}", "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":2}",
                "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":1001}", "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":1.5}",
                "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":\"many\"}", "{\"itemId\":ID,\"userId\":\"prop\",\"quantity\":[]}",
                "{\"user_id\":\"\",\"product_id\":ID}", "{\"user_id\":\"prop\",\"product_id\":\"x\"}",
                "{\"user_id\":\"pipe|x\",\"product_id\":ID}", "{\"name\":\"x\",\"items\":[]}"))
                .map(text -> text.replace("ID", Long.toString(id)));
        Gen<String> malformed = Generate.oneOf(
                Generate.pick(List.of("", "null", "[]", "{", "}", "{\"itemId\":", "\"string\"", "42", "true", "{\"a\":1,\"a\":2}",
                        "[".repeat(5000) + "]".repeat(5000), "{\"itemId\":" + "9".repeat(2000) + "}")),
                strings().allPossible().ofLengthBetween(0, 200),
                integers().between(70_000, 200_000).map(size -> "{\"userId\":\"" + "a".repeat(size) + "\"}"));
        Gen<byte[]> raw = integers().between(0, 300).zip(longs().all(), (size, seed) -> {
            var random = new java.util.Random(seed);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            return bytes;
        });
        return Generate.oneOf(
                Generate.constant((byte[]) null),
                wrongPurchase.map(text -> text.getBytes(StandardCharsets.UTF_8)),
                malformed.map(text -> text.getBytes(StandardCharsets.UTF_8)),
                raw);
    }

    private HttpResponse<String> send(Probe probe) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + probe.path()))
                .timeout(Duration.ofSeconds(20))
                .method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        if (!probe.headers().isEmpty()) {
            request.headers(probe.headers().toArray(String[]::new));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("No answer to " + probe + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean changesState(Probe probe) {
        String path = probe.path();
        return !probe.method().equals("GET") && !probe.method().equals("OPTIONS")
                && (path.startsWith("/api/v1/orders") || path.startsWith("/flashsale/precheck")
                || path.startsWith("/api/v1/admin") || path.startsWith("/admin"));
    }

    /** Everything a request could have changed: rows, the gate's keys and values, messages in the queues. */
    private String state(CreatedItem item) {
        var snapshot = new TreeMap<String, Object>();
        snapshot.put("postgres", jdbc.sql("""
                SELECT (SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM buyer_holdings) || '/'
                    || (SELECT count(*) FROM flash_sales) || '/' || (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM flash_sales)
                    || '/' || (SELECT string_agg(id || ':' || available, ',' ORDER BY id) FROM flash_sale_items)
                """).query(String.class).single());
        String prefix = gate.keys().orderStatus(java.util.UUID.randomUUID()).split(":")[0];
        try (var keys = redis.scan(ScanOptions.scanOptions().match(prefix + ":*").count(1000).build())) {
            keys.forEachRemaining(key -> snapshot.put("redis " + key, Base64.getEncoder().encodeToString(redis.dump(key))));
        }
        var admin = new RabbitAdmin(rabbit);
        for (String queue : queues.allQueues()) {
            var info = admin.getQueueInfo(queue);
            snapshot.put("rabbitmq " + queue, info == null ? "absent" : info.getMessageCount());
        }
        return snapshot.toString();
    }

    private static Gen<String> printable(int min, int max) {
        return strings().betweenCodePoints(0x21, 0x7E).ofLengthBetween(min, max);
    }

    private static void add(List<String> headers, String name, String value) {
        if (!value.isEmpty()) {
            headers.add(name);
            headers.add(value);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
