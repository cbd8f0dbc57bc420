package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.flashsale.orders.FailureReason;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.CreateSale;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import io.flashsale.support.FlashSaleIntegrationTest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

@FlashSaleIntegrationTest
class BatchSettlerTest {

    @Autowired
    BatchSettler settler;

    @Autowired
    SaleCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aBatchThatExactlySellsOutConfirmsEveryOrder() {
        long item = item(3, 1);

        var settlement = settler.settle(List.of(order(item, "a"), order(item, "b"), order(item, "c")));

        assertThat(settlement.settled())
                .extracting(SettledOrder::status)
                .containsOnly(OrderStatus.CONFIRMED)
                .hasSize(3);
        assertThat(available(item)).isZero();
    }

    @Test
    void anOversubscribedBatchConfirmsTheFirstArrivalsAndFailsTheRestAsSoldOut() {
        long item = item(2, 1);
        var orders = List.of(order(item, "a"), order(item, "b"), order(item, "c"), order(item, "d"));

        var settlement = settler.settle(orders);

        assertThat(settlement.settled())
                .extracting(SettledOrder::userId, SettledOrder::reason)
                .containsExactlyInAnyOrder(
                        tuple("a", null),
                        tuple("b", null),
                        tuple("c", FailureReason.SOLD_OUT),
                        tuple("d", FailureReason.SOLD_OUT));
        assertThat(available(item)).isZero();
    }

    @Test
    void aRedeliveredOrderChangesNothing() {
        long item = item(5, 1);
        var first = order(item, "a");
        settler.settle(List.of(first));

        var again = settler.settle(List.of(first, first, order(item, "b")));

        assertThat(again.settled()).extracting(SettledOrder::orderId).contains(first.orderId());
        assertThat(rows(item)).isEqualTo(2);
        assertThat(available(item)).isEqualTo(3);
    }

    @Test
    void twoOrdersOfOneBuyerWithLimitOneConfirmOnlyTheFirst() {
        long item = item(5, 1);
        var first = order(item, "a");
        var second = order(item, "a");

        var settlement = settler.settle(List.of(first, second));

        assertThat(settlement.settled())
                .filteredOn(order -> order.orderId().equals(second.orderId()))
                .extracting(SettledOrder::reason)
                .containsExactly(FailureReason.LIMIT_EXCEEDED);
        assertThat(available(item)).isEqualTo(4);
    }

    @Test
    void anOrderForAnUnknownItemIsSetAsideAndWritesNothing() {
        long item = item(5, 1);
        var stray = order(987_654_321L, "a");

        var settlement = settler.settle(List.of(stray, order(item, "b")));

        assertThat(settlement.unknownItem()).containsExactly(stray);
        assertThat(settlement.settled()).hasSize(1);
    }

    @Test
    void theDatabaseRefusesOversellAndOverLimitEvenIfCodeIsWrong() {
        long item = item(1, 1);

        assertThatThrownBy(() -> jdbc.sql("UPDATE flash_sale_items SET available = available - 2 WHERE id = ?")
                        .param(item)
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql(
                                """
                INSERT INTO buyer_holdings (item_id, user_id, per_user_limit, units) VALUES (?, 'a', 1, 2)""")
                        .param(item)
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql(
                                """
                INSERT INTO buyer_holdings (item_id, user_id, per_user_limit, units) VALUES (?, 'a', 5, 2)""")
                        .param(item)
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    private long item(int stock, int perUserLimit) {
        var sale = catalog.create(new CreateSale(
                "Settlement test",
                Instant.now().minusSeconds(1),
                Instant.now().plusSeconds(3600),
                List.of(new CreateSale.Item("SKU", "Item", BigDecimal.ONE, stock, perUserLimit))));
        return sale.items().getFirst().id();
    }

    private static OrderRequested order(long item, String user) {
        return new OrderRequested(
                UUID.randomUUID(), item, user, 1, Instant.now(), Instant.now().plusSeconds(60));
    }

    private int available(long item) {
        return jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                .param(item)
                .query(Integer.class)
                .single();
    }

    private int rows(long item) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                .param(item)
                .query(Integer.class)
                .single();
    }
}
