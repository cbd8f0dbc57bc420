package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.flashsale.orders.BuyerKey;
import io.flashsale.orders.FailureReason;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.Inventory.StockLevel;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SettlementPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final long ITEM = 7;

    @Test
    void confirmsInArrivalOrderUntilTheStockIsGone() {
        var orders = List.of(order("a", 1), order("b", 2), order("c", 1), order("d", 1));

        var decisions = SettlementPolicy.decide(orders, Map.of(ITEM, new StockLevel(ITEM, 3, 5)), Map.of(), NOW);

        assertThat(decisions)
                .extracting(SettledOrder::userId, SettledOrder::status, SettledOrder::reason)
                .containsExactly(
                        tuple("a", OrderStatus.CONFIRMED, null),
                        tuple("b", OrderStatus.CONFIRMED, null),
                        tuple("c", OrderStatus.FAILED, FailureReason.SOLD_OUT),
                        tuple("d", OrderStatus.FAILED, FailureReason.SOLD_OUT));
    }

    @Test
    void skipsAnOrderThatDoesNotFitButConfirmsASmallerOneAfterIt() {
        var orders = List.of(order("a", 2), order("b", 1));

        var decisions = SettlementPolicy.decide(orders, Map.of(ITEM, new StockLevel(ITEM, 1, 5)), Map.of(), NOW);

        assertThat(decisions)
                .extracting(SettledOrder::status)
                .containsExactly(OrderStatus.FAILED, OrderStatus.CONFIRMED);
    }

    @Test
    void countsWhatTheBuyerAlreadyHoldsAndBuysInTheSameBatch() {
        var orders = List.of(order("a", 1), order("a", 1), order("a", 1));
        var holdings = Map.of(new BuyerKey(ITEM, "a"), 1);

        var decisions = SettlementPolicy.decide(orders, Map.of(ITEM, new StockLevel(ITEM, 10, 2)), holdings, NOW);

        assertThat(decisions)
                .extracting(SettledOrder::status, SettledOrder::reason)
                .containsExactly(
                        tuple(OrderStatus.CONFIRMED, null),
                        tuple(OrderStatus.FAILED, FailureReason.LIMIT_EXCEEDED),
                        tuple(OrderStatus.FAILED, FailureReason.LIMIT_EXCEEDED));
    }

    @Test
    void neverConfirmsAnOrderPastItsDeadline() {
        var late = new OrderRequested(UUID.randomUUID(), ITEM, "a", 1, NOW.minusSeconds(60), NOW);

        var decisions =
                SettlementPolicy.decide(List.of(late), Map.of(ITEM, new StockLevel(ITEM, 10, 1)), Map.of(), NOW);

        assertThat(decisions.getFirst().status()).isEqualTo(OrderStatus.EXPIRED);
        assertThat(decisions.getFirst().reason()).isEqualTo(FailureReason.RESERVATION_EXPIRED);
    }

    private static OrderRequested order(String user, int quantity) {
        return new OrderRequested(UUID.randomUUID(), ITEM, user, quantity, NOW.minusSeconds(1), NOW.plusSeconds(60));
    }
}
