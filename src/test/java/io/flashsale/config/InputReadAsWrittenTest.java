package io.flashsale.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A body is read as written, on every body that pays, stands by, buys or creates a sale: a JSON
 * value of the wrong type, a key given twice and a key the body does not have are each refused
 * with 400 and change nothing. Jackson's defaults would have read {@code 12} as the text "12",
 * {@code "1"} as the number 1, the last of two keys, and ignored a misspelt {@code "quantitty"}.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.payment.window=1h", "flashsale.reconciler.interval=1h"})
class InputReadAsWrittenTest {

    private static final String ITEM =
            "{\"sku\":\"s-1\",\"name\":\"x\",\"price\":\"19.90\",\"stock\":10,\"perUserLimit\":1}";

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void aPaymentReferenceThatIsNotTextOrIsGivenTwicePaysNothing() {
        CreatedItem item = client.openSale(2, 1);
        Response bought = client.buy(item.itemId(), "alice", 1);
        assertThat(bought.status()).isEqualTo(202);
        UUID order = bought.orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));

        for (String body : List.of(
                "{\"paymentReference\":12}",
                "{\"paymentReference\":true}",
                "{\"paymentReference\":1.5}",
                "{\"paymentReference\":\"A\",\"paymentReference\":\"B\"}")) {
            Response paid = client.post("/api/v1/orders/" + order + "/payment", body);
            assertThat(paid.status()).as(body).isEqualTo(400);
            assertThat(paid.code()).as(body).isEqualTo("VALIDATION_FAILED");
        }

        assertThat(client.status(order)).isEqualTo("CONFIRMED");
        assertThat(count("SELECT count(*) FROM refused_payments WHERE order_id = ?", order))
                .isZero();
        assertThat(client.pay(order, "psp-1").body().path("status").asString()).isEqualTo("PAID");
    }

    @Test
    void aPurchaseOrAStandingOrderNotReadAsWrittenIsRefusedAndChangesNothing() {
        CreatedItem item = client.openSale(1, 1);
        long id = item.itemId();
        assertThat(client.buy(id, "alice", 1).status()).isEqualTo(202);

        for (String body : List.of(
                "{\"itemId\":" + id + ",\"userId\":12,\"quantity\":1}",
                "{\"itemId\":" + id + ",\"userId\":\"bob\",\"quantity\":\"1\"}",
                "{\"itemId\":\"" + id + "\",\"userId\":\"bob\",\"quantity\":1}",
                "{\"itemId\":" + id + ",\"userId\":true,\"quantity\":1}",
                "{\"itemId\":" + id + ",\"userId\":\"bob\",\"quantitty\":1}",
                "{\"itemId\":" + id + ",\"userId\":\"bob\",\"quantity\":1,\"quantity\":7}",
                "{\"itemId\":" + id + ",\"userId\":\"evil\",\"userId\":\"bob\",\"quantity\":1}")) {
            Response bought = client.post("/api/v1/orders", body);
            assertThat(bought.status()).as(body).isEqualTo(400);
            assertThat(bought.code()).as(body).isEqualTo("VALIDATION_FAILED");
        }
        for (String body : List.of(
                "{\"userId\":12,\"quantity\":1}",
                "{\"userId\":\"bob\",\"quantity\":\"1\"}",
                "{\"userId\":\"bob\",\"quantitty\":1}",
                "{\"userId\":\"evil\",\"userId\":\"bob\",\"quantity\":1}")) {
            Response standing = client.post("/api/v1/items/" + id + "/standby", body);
            assertThat(standing.status()).as(body).isEqualTo(400);
        }

        assertThat(count("SELECT count(*) FROM orders WHERE item_id = ? AND user_id <> 'alice'", id))
                .isZero();
        assertThat(count("SELECT count(*) FROM standby WHERE item_id = ?", id)).isZero();
        assertThat(client.buy(id, "bob", 1).code()).isEqualTo("SOLD_OUT");
        assertThat(client.standBy(id, "bob", 1).status()).isEqualTo(202);
    }

    @Test
    void aSaleNotReadAsWrittenIsNotCreated() {
        int before = count("SELECT count(*) FROM flash_sales");
        for (String body : List.of(
                sale("\"2030-01-01T00:00:00Z\"", ITEM.replace("\"stock\":10", "\"stock\":\"10\"")),
                sale("\"1767225600\"", ITEM),
                sale("\"2030-01-01T00:00:00Z\"", ITEM.replace("\"stock\":10", "\"stock\":10,\"stock\":20")),
                sale("\"2030-01-01T00:00:00Z\"", ITEM).replace("{\"name\"", "{\"status\":\"ENDED\",\"name\""))) {
            assertThat(client.admin("/api/v1/admin/sales", body).status())
                    .as(body)
                    .isEqualTo(400);
        }

        assertThat(count("SELECT count(*) FROM flash_sales")).isEqualTo(before);
        assertThat(client.admin("/api/v1/admin/sales", sale("\"2030-01-01T00:00:00Z\"", ITEM))
                        .status())
                .as("the same sale, as written")
                .isEqualTo(201);
    }

    @Test
    void aNumberParameterIsReadInAsciiDecimalDigitsOnly() {
        CreatedItem item = client.openSale(1, 1);
        assertThat(client.get("/api/v1/sales/" + item.saleId()).status()).isEqualTo(200);
        assertThat(client.get("/api/v1/sales/+" + item.saleId()).status()).isEqualTo(200);

        for (String id : List.of("0x" + Long.toHexString(item.saleId()), "#" + item.saleId(), "\u0661", "\uFF11")) {
            Response answer = client.get(
                    "/api/v1/sales/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(answer.status()).as(id).isEqualTo(400);
            assertThat(answer.code()).as(id).isEqualTo("VALIDATION_FAILED");
        }
    }

    private int count(String sql, Object... params) {
        var query = jdbc.sql(sql);
        for (Object param : params) {
            query = query.param(param);
        }
        return query.query(Integer.class).single();
    }

    private static String sale(String startsAt, String item) {
        return "{\"name\":\"typed\",\"startsAt\":" + startsAt + ",\"endsAt\":\"2030-01-02T00:00:00Z\",\"items\":["
                + item + "]}";
    }
}
