package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A withdrawing request finds its order decided by another writer (the worker settled it while the
 * confirm was late) and then cannot read that decision. The order may be CONFIRMED, so the 503 must
 * name it (P2), never leave as a plain "nothing bought". PostgreSQL is made to answer so by a
 * trigger that skips this one order's insert: the withdrawal is told another writer was first, and
 * the row it then reads is not there.
 */
@FlashSaleIntegrationTest
class OrderWithdrawalTest {

    @Autowired
    OrderWithdrawal withdrawal;

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aDecisionThatCannotBeReadIsAnswered503NamingTheOrder() {
        var item = fixture.client().openSale(5, 1);
        UUID orderId = UUID.randomUUID();
        var order = new OrderRequested(
                orderId, item.itemId(), "erin", 1, Instant.now(), Instant.now().plus(Duration.ofMinutes(1)));
        String suffix = orderId.toString().replace("-", "");
        jdbc.sql("CREATE FUNCTION skip_" + suffix
                        + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
                .update();
        jdbc.sql("CREATE TRIGGER skip_" + suffix + " BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.order_id = '"
                        + orderId + "') EXECUTE FUNCTION skip_" + suffix + "()")
                .update();
        try {
            ApiException answer =
                    catchThrowableOfType(ApiException.class, () -> withdrawal.withdraw(order, Optional.empty()));

            assertThat(answer).isNotNull();
            assertThat(answer.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(answer.properties()).containsEntry("orderId", orderId);
            assertThat(answer.getMessage()).contains("/api/v1/orders/" + orderId);
        } finally {
            jdbc.sql("DROP TRIGGER skip_" + suffix + " ON orders").update();
            jdbc.sql("DROP FUNCTION skip_" + suffix + "()").update();
        }
    }
}
