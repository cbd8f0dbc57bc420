package io.flashsale.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** {@code FLASHSALE_PAYMENT_WINDOW=0}: CONFIRMED is final, as before payments existed. */
@FlashSaleIntegrationTest
@TestPropertySource(properties = "flashsale.payment.window=0")
class WithoutPaymentWindowTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    UnitReturns returns;

    @Test
    void aConfirmedOrderIsFinalAndCanBeNeitherPaidNorCancelled() {
        var client = fixture.client();
        var item = client.openSale(2, 1);
        UUID order = client.buy(item.itemId(), "frank", 1).orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));

        assertThat(client.get("/api/v1/orders/" + order).body().has("payBy")).isFalse();
        assertThat(client.pay(order, "psp-1").code()).isEqualTo("NOT_PAYABLE");
        assertThat(client.cancel(order).code()).isEqualTo("NOT_CANCELLABLE");
        assertThat(returns.cancelOverdue()).isZero();
        assertThat(client.status(order)).isEqualTo("CONFIRMED");
        fixture.invariants().awaitQuietAndAssert(item.itemId(), Set.of(order), Duration.ofSeconds(20));
    }
}
