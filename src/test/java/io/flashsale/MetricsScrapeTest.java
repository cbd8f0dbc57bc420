package io.flashsale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.PrometheusScrape;
import io.flashsale.support.SaleFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * What an operator's Prometheus sees: a scrape of /actuator/prometheus before and after a few
 * purchases settle (one of them doomed to fail settlement and be compensated) shows every meter
 * of the purchase and settlement paths move by what happened.
 */
@FlashSaleIntegrationTest
@AutoConfigureMetrics
@ActiveProfiles("fault-injection")
@TestPropertySource(
        properties = {
            "flashsale.faults.fail-settlement-of-user=doomed",
            "flashsale.messaging.retry-delays=100ms,200ms,300ms",
            "flashsale.reconciler.interval=300ms",
            "flashsale.metrics.poll-interval=300ms"
        })
class MetricsScrapeTest {

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void aScrapeAfterPurchasesSettleShowsEveryMeterMovedByWhatHappened() {
        CreatedItem item = client.openSale(5, 1);
        String itemId = Long.toString(item.itemId());
        PrometheusScrape before = scrape();

        var alice = client.buy(item.itemId(), "alice", 1);
        var bob = client.buy(item.itemId(), "bob", 1);
        var doomed = client.buy(item.itemId(), "doomed", 1);
        var aliceAgain = client.buy(item.itemId(), "alice", 1);
        assertThat(alice.status()).isEqualTo(202);
        assertThat(bob.status()).isEqualTo(202);
        assertThat(doomed.status()).isEqualTo(202);
        assertThat(aliceAgain.code()).isEqualTo("ALREADY_PURCHASED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(status(alice)).isEqualTo("CONFIRMED");
            assertThat(status(bob)).isEqualTo("CONFIRMED");
            assertThat(status(doomed)).isEqualTo("FAILED");
        });

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            PrometheusScrape after = scrape();
            // admission: outcomes, latency histogram with percentiles, gate and publish-confirm latency
            assertThat(moved(before, after, "flashsale_admission_requests_total", "outcome", "admitted"))
                    .isEqualTo(3);
            assertThat(moved(before, after, "flashsale_admission_requests_total", "outcome", "already_purchased"))
                    .isEqualTo(1);
            assertThat(moved(before, after, "flashsale_admission_duration_seconds_count", "outcome", "admitted"))
                    .isEqualTo(3);
            assertThat(moved(
                            before,
                            after,
                            "flashsale_admission_duration_seconds_bucket",
                            "outcome",
                            "admitted",
                            "le",
                            "+Inf"))
                    .isEqualTo(3);
            // buckets fine enough for histogram_quantile to give p50, p95 and p99 (as the dashboard does)
            assertThat(after.samples("flashsale_admission_duration_seconds_bucket", "outcome", "admitted"))
                    .hasSizeGreaterThan(10);
            assertThat(moved(before, after, "flashsale_gate_duration_seconds_count", "operation", "reserve"))
                    .isEqualTo(4);
            assertThat(moved(before, after, "flashsale_gate_duration_seconds_count", "operation", "sync"))
                    .isPositive();
            assertThat(moved(
                            before,
                            after,
                            "flashsale_admission_publish_duration_seconds_count",
                            "outcome",
                            "confirmed"))
                    .isEqualTo(3);
            // settlement: batches, transaction time, lag, outcomes by writer
            assertThat(moved(before, after, "flashsale_settlement_batch_size_messages_sum"))
                    .isGreaterThanOrEqualTo(3);
            assertThat(moved(
                            before, after, "flashsale_settlement_batch_duration_seconds_count", "outcome", "committed"))
                    .isPositive();
            assertThat(moved(before, after, "flashsale_settlement_batch_duration_seconds_count", "outcome", "failed"))
                    .isPositive();
            assertThat(moved(before, after, "flashsale_settlement_lag_seconds_count"))
                    .isEqualTo(2);
            assertThat(moved(
                            before,
                            after,
                            "flashsale_orders_settled_total",
                            "status",
                            "confirmed",
                            "settler",
                            "worker"))
                    .isEqualTo(2);
            assertThat(moved(
                            before,
                            after,
                            "flashsale_orders_settled_total",
                            "status",
                            "failed",
                            "reason",
                            "settlement_failed",
                            "settler",
                            "dlq"))
                    .isEqualTo(1);
            assertThat(moved(before, after, "flashsale_compensations_total", "trigger", "settlement"))
                    .isEqualTo(1);
            // polled gauges: queues, stock per item, reconciler, circuit breaker
            assertThat(after.sum("flashsale_queue_messages", "kind", "orders")).isZero();
            assertThat(after.sum("flashsale_queue_messages", "kind", "dead-letter"))
                    .isZero();
            assertThat(after.samples("flashsale_queue_messages", "kind", "retry"))
                    .hasSize(3);
            assertThat(after.sum("flashsale_queue_consumers", "kind", "orders")).isPositive();
            assertThat(after.sum("flashsale_item_tokens", "item", itemId)).isEqualTo(3);
            assertThat(after.sum("flashsale_item_available", "item", itemId)).isEqualTo(3);
            assertThat(after.samples("flashsale_gate_drift", "item", itemId))
                    .singleElement()
                    .satisfies(drift -> assertThat(drift.value()).isZero());
            assertThat(after.sum("flashsale_reconciler_leader")).isEqualTo(1);
            assertThat(after.sum("resilience4j_circuitbreaker_state", "name", "settlement-database", "state", "closed"))
                    .isEqualTo(1);
            // the framework's own
            assertThat(moved(
                            before,
                            after,
                            "http_server_requests_seconds_count",
                            "uri",
                            "/api/v1/orders",
                            "status",
                            "202"))
                    .isEqualTo(3);
            assertThat(after.has("http_server_requests_seconds_bucket", "uri", "/api/v1/orders", "le", "0.05"))
                    .isTrue();
            assertThat(after.has("jvm_memory_used_bytes", "application", "flashsale"))
                    .isTrue();
            assertThat(after.has("hikaricp_connections_active")).isTrue();
            assertThat(after.has("process_cpu_usage")).isTrue();
        });
    }

    @Test
    void noMeterIsTaggedWithABuyerOrAnOrder() {
        CreatedItem item = client.openSale(3, 1);
        var order = client.buy(item.itemId(), "carol-the-buyer", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(order).equals("CONFIRMED"));

        String text = scrapeText();

        assertThat(text)
                .doesNotContain("carol-the-buyer")
                .doesNotContain(order.orderId().toString());
    }

    private String status(FlashSaleClient.Response order) {
        return client.get("/api/v1/orders/" + order.orderId())
                .body()
                .path("status")
                .asString();
    }

    private static double moved(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private PrometheusScrape scrape() {
        return new PrometheusScrape(scrapeText());
    }

    private String scrapeText() {
        try (var http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
