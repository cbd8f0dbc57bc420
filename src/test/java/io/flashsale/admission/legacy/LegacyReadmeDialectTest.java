package io.flashsale.admission.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** FLASHSALE_LEGACY_DIALECT=readme: the original's README answers, every refusal a 409 with the same body. */
@FlashSaleIntegrationTest
@TestPropertySource(properties = "flashsale.legacy.dialect=readme")
class LegacyReadmeDialectTest {

    @Autowired
    SaleFixture fixture;

    @Test
    void refusalsAre409WithTheOriginalBodies() {
        var client = fixture.client();
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(600), 1, 1, "1001");
        client.warmUp(item.saleId());

        Response queued = client.post("/flashsale/precheck", "{\"user_id\":\"u1\",\"product_id\":\"1001\"}");
        Response again = client.post("/flashsale/precheck", "{\"user_id\":\"u1\",\"product_id\":\"1001\"}");
        Response soldOut = client.post("/flashsale/precheck", "{\"user_id\":\"u2\",\"product_id\":\"1001\"}");
        Response unknown = client.post("/flashsale/precheck", "{\"user_id\":\"u2\",\"product_id\":\"p1\"}");
        Response bad = client.post("/flashsale/precheck", "{\"user_id\":\"u2\"}");

        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.body().path("status").asString()).isEqualTo("queued");
        for (var refusal : new Object[][] {
            {again, "USER_ALREADY_PURCHASED"}, {soldOut, "OUT_OF_STOCK"}, {unknown, "STOCK_NOT_FOUND"}
        }) {
            Response answer = (Response) refusal[0];
            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.body().path("status").asString()).isEqualTo(refusal[1]);
            assertThat(answer.body().path("order_id").asString()).isEmpty();
        }
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").asString()).isEqualTo("user_id & product_id are required");
    }
}
