package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.KilledConnections;
import io.flashsale.support.SaleFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * P5 on the endpoints other than pay and cancel: PostgreSQL terminates the connection of a request
 * while it waits for a table lock the test holds, inside a statement or a transaction; every answer
 * is a 503, never a 500.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.payment.window=1h", "flashsale.reconciler.interval=1h"})
class KilledConnectionAnswersTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    Environment environment;

    private static final String SALE =
            """
            {"name": "Killed", "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z",
             "items": [{"sku": "SKU-K", "name": "k", "price": "1.00", "stock": 1, "perUserLimit": 1}]}
            """;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void everyEndpointWhoseConnectionIsKilledAnswers503() throws Exception {
        CreatedItem item = client.openSale(1, 1);
        UUID order = confirmedPurchase(item, "alice");
        CreatedItem cold = client.createSale(
                Instant.now().minusSeconds(1), Instant.now().plus(Duration.ofHours(1)), 3, 1, "SKU-COLD");

        Map<String, Integer> answers = new LinkedHashMap<>();
        answers.put("GET order", killed("orders", () -> client.get("/api/v1/orders/" + order)
                .status()));
        answers.put("GET legacy result", killed("orders", () -> client.get("/flashsale/result/" + order)
                .status()));
        answers.put("SSE order", killed("orders", () -> eventStreamStatus("/api/v1/orders/" + order + "/events")));
        answers.put("standby", killed("standby", () -> client.standBy(item.itemId(), "bob", 1)
                .status()));
        answers.put("create sale", killed("flash_sales", () -> client.admin("/api/v1/admin/sales", SALE)
                .status()));
        answers.put("warmup", killed("buyer_holdings", () -> client.warmUp(cold.saleId())
                .status()));
        answers.put("legacy precheck", killed("flash_sale_items", () -> client.post(
                        "/flashsale/precheck", "{\"user_id\":\"carol\",\"product_id\":\"SKU-COLD\"}")
                .status()));

        CreatedItem fresh = client.createSale(
                Instant.now().minusSeconds(1), Instant.now().plus(Duration.ofHours(1)), 3, 1, "SKU-FRESH");
        answers.put(
                "SSE item",
                killed("flash_sale_items", () -> eventStreamStatus("/api/v1/items/" + fresh.itemId() + "/events")));
        answers.put(
                "SSE sale",
                killed("flash_sales", () -> eventStreamStatus("/api/v1/sales/" + fresh.saleId() + "/events")));
        answers.put("GET sale", killed("flash_sales", () -> client.get("/api/v1/sales/" + fresh.saleId())
                .status()));
        answers.put("GET sales", killed("flash_sales", () -> client.get("/api/v1/sales")
                .status()));
        assertThat(answers).allSatisfy((endpoint, status) -> assertThat(status)
                .as(endpoint)
                .matches(answered -> answered < 500 || answered == 503, "a 503 or no 5xx"));
    }

    /**
     * The connection is terminated while it commits: a deferred trigger waits for an advisory lock
     * the test holds, so the request is certainly inside COMMIT when its backend goes.
     */
    @Test
    void aCreateSaleOrCancelWhoseConnectionIsKilledInCommitIsAnswered503() throws Exception {
        CreatedItem item = client.openSale(2, 1);
        UUID order = confirmedPurchase(item, "erin");
        jdbc.sql(
                        """
                        CREATE FUNCTION wait_at_commit() RETURNS trigger LANGUAGE plpgsql AS
                        'BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END'
                        """)
                .update();
        Map<String, Integer> answers = new LinkedHashMap<>();
        try {
            for (String table : List.of("flash_sales", "orders")) {
                jdbc.sql("CREATE CONSTRAINT TRIGGER wait_at_commit AFTER INSERT OR UPDATE ON " + table
                                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wait_at_commit()")
                        .update();
            }
            answers.put("create sale", killedInCommit(() -> client.admin("/api/v1/admin/sales", SALE)
                    .status()));
            answers.put("cancel", killedInCommit(() -> client.cancel(order).status()));
        } finally {
            for (String table : List.of("flash_sales", "orders")) {
                jdbc.sql("DROP TRIGGER IF EXISTS wait_at_commit ON " + table).update();
            }
            jdbc.sql("DROP FUNCTION wait_at_commit()").update();
        }
        assertThat(answers)
                .allSatisfy(
                        (endpoint, status) -> assertThat(status).as(endpoint).isEqualTo(503));
        assertThat(client.status(order)).isEqualTo("CONFIRMED");
        assertThat(jdbc.sql("SELECT count(*) FROM flash_sales WHERE name = 'Killed'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private int eventStreamStatus(String path) throws Exception {
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<java.io.InputStream> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Accept", "text/event-stream")
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (var body = response.body()) {
                if (response.statusCode() != 200) {
                    body.readAllBytes();
                }
            }
            return response.statusCode();
        }
    }

    private UUID confirmedPurchase(CreatedItem item, String buyer) {
        Response bought = client.buy(item.itemId(), buyer, 1);
        assertThat(bought.status()).as("%s", bought.body()).isEqualTo(202);
        UUID order = bought.orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));
        return order;
    }

    /** {@code request}'s answer when its connection is terminated waiting for a lock on {@code table}. */
    private int killed(String table, Callable<Integer> request) throws Exception {
        return KilledConnections.answerWithConnectionKilled(
                dataSource, jdbc, "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE", List.of(), request);
    }

    /** {@code request}'s answer when its connection is terminated in COMMIT, where the trigger waits for the lock. */
    private int killedInCommit(Callable<Integer> request) throws Exception {
        return KilledConnections.answerWithConnectionKilled(
                dataSource, jdbc, "SELECT pg_advisory_xact_lock(4242)", List.of(), request);
    }
}
