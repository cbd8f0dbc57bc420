package io.flashsale.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * A JSON value of the wrong type is refused with 400 and changes nothing, on every body that
 * pays, stands by, buys or creates a sale: Jackson's default would have read {@code 12} as the
 * text "12" and {@code "1"} as the number 1.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.payment.window=1h", "flashsale.reconciler.interval=1h"})
class WrongJsonTypesTest {

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
    void aPaymentReferenceThatIsNotTextPaysNothing() {
        CreatedItem item = client.openSale(2, 1);
        Response bought = client.buy(item.itemId(), "alice", 1);
        assertThat(bought.status()).isEqualTo(202);
        UUID order = bought.orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));

        for (String body :
                new String[] {"{\"paymentReference\":12}", "{\"paymentReference\":true}", "{\"paymentReference\":1.5}"
                }) {
            Response paid = client.post("/api/v1/orders/" + order + "/payment", body);
            assertThat(paid.status()).as(body).isEqualTo(400);
            assertThat(paid.code()).as(body).isEqualTo("VALIDATION_FAILED");
        }

        assertThat(client.status(order)).isEqualTo("CONFIRMED");
        assertThat(jdbc.sql("SELECT count(*) FROM refused_payments WHERE order_id = ?")
                        .param(order)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(client.pay(order, "psp-1").body().path("status").asString()).isEqualTo("PAID");
    }

    @Test
    void aPurchaseOrAStandingOrderWithAValueOfTheWrongTypeIsRefusedAndChangesNothing() {
        CreatedItem item = client.openSale(1, 1);
        long id = item.itemId();
        assertThat(client.buy(id, "alice", 1).status()).isEqualTo(202);

        for (String body : new String[] {
            "{\"itemId\":" + id + ",\"userId\":12,\"quantity\":1}",
            "{\"itemId\":" + id + ",\"userId\":\"bob\",\"quantity\":\"1\"}",
            "{\"itemId\":\"" + id + "\",\"userId\":\"bob\",\"quantity\":1}",
            "{\"itemId\":" + id + ",\"userId\":true,\"quantity\":1}"
        }) {
            Response bought = client.post("/api/v1/orders", body);
            assertThat(bought.status()).as(body).isEqualTo(400);
            assertThat(bought.code()).as(body).isEqualTo("VALIDATION_FAILED");
        }
        for (String body : new String[] {"{\"userId\":12,\"quantity\":1}", "{\"userId\":\"bob\",\"quantity\":\"1\"}"}) {
            Response standing = client.post("/api/v1/items/" + id + "/standby", body);
            assertThat(standing.status()).as(body).isEqualTo(400);
        }

        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ? AND user_id <> 'alice'")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM standby WHERE item_id = ?")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(client.buy(id, "bob", 1).code()).isEqualTo("SOLD_OUT");
        assertThat(client.standBy(id, "bob", 1).status()).isEqualTo(202);
    }

    @Test
    void aSaleWithAStockWrittenAsTextIsNotCreated() {
        int before = jdbc.sql("SELECT count(*) FROM flash_sales")
                .query(Integer.class)
                .single();
        Response created = client.admin(
                "/api/v1/admin/sales",
                "{\"name\":\"typed\",\"startsAt\":\"2030-01-01T00:00:00Z\",\"endsAt\":\"2030-01-02T00:00:00Z\","
                        + "\"items\":[{\"sku\":\"s-1\",\"name\":\"x\",\"stock\":\"10\",\"perUserLimit\":1}]}");

        assertThat(created.status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM flash_sales")
                        .query(Integer.class)
                        .single())
                .isEqualTo(before);
    }
}
