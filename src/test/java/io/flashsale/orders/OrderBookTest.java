package io.flashsale.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger's first-writer-wins rule, on the real PostgreSQL: an order's row is written once, by
 * whichever of the worker, the dead-letter handler, the reconciler or the API comes first; every
 * later writer is told it lost and changes nothing, so the units of an order are counted once.
 * The item's sale has not started, so nothing but this test writes its orders.
 */
@FlashSaleIntegrationTest
class OrderBookTest {

    @Autowired
    OrderBook orderBook;

    @Autowired
    ItemOrders itemOrders;

    @Autowired
    BuyerHoldings holdings;

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    private long item;

    @BeforeEach
    void anItemWithALimitOfTwo() {
        item = fixture.client()
                .createSale(
                        Instant.now().plus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(2)), 10, 2)
                .itemId();
    }

    @Test
    void theFirstWriterDecidesTheOrderAndTheSecondIsToldItLost() {
        OrderRequested order = order("alice");

        boolean worker = orderBook.insertIfAbsent(SettledOrder.confirmed(order));
        boolean deadLetters = orderBook.insertIfAbsent(SettledOrder.failed(order, FailureReason.SETTLEMENT_FAILED));

        assertThat(worker).as("the worker wrote first").isTrue();
        assertThat(deadLetters).as("the dead-letter handler came second").isFalse();
        assertThat(orderBook.find(order.orderId()))
                .get()
                .extracting(SettledOrder::status, SettledOrder::reason)
                .containsExactly(OrderStatus.CONFIRMED, null);
        assertThat(rows(order.orderId())).isEqualTo(1);
    }

    @Test
    void aLateConfirmationCannotOverturnAWithdrawal() {
        OrderRequested order = order("alice");
        assertThat(orderBook.insertIfAbsent(SettledOrder.failed(order, FailureReason.PUBLISH_UNCONFIRMED)))
                .isTrue();

        List<SettledOrder> won = orderBook.write(List.of(SettledOrder.confirmed(order)));

        assertThat(won).as("what the late worker wrote").isEmpty();
        assertThat(orderBook.find(order.orderId()))
                .get()
                .extracting(SettledOrder::status, SettledOrder::reason)
                .containsExactly(OrderStatus.FAILED, FailureReason.PUBLISH_UNCONFIRMED);
        assertThat(itemOrders.withdrawnOrderIdsOf(item)).containsExactly(order.orderId());
        assertThat(itemOrders.confirmedOrdersOf(item)).isEmpty();
        assertThat(itemOrders.hasConfirmedOrders(item)).isFalse();
    }

    @Test
    void aBatchWriteReturnsOnlyTheRowsItWroteAsWritten() {
        OrderRequested expired = order("alice");
        OrderRequested bought = order("bob");
        OrderRequested soldOut = order("carol");
        assertThat(orderBook.insert(List.of(SettledOrder.expired(expired)))).containsExactly(expired.orderId());

        List<SettledOrder> won = orderBook.write(List.of(
                SettledOrder.confirmed(expired),
                SettledOrder.confirmed(bought),
                SettledOrder.failed(soldOut, FailureReason.SOLD_OUT)));

        assertThat(won)
                .extracting(SettledOrder::orderId, SettledOrder::status, SettledOrder::reason)
                .containsExactlyInAnyOrder(
                        tuple(bought.orderId(), OrderStatus.CONFIRMED, null),
                        tuple(soldOut.orderId(), OrderStatus.FAILED, FailureReason.SOLD_OUT));
        assertThat(won)
                .as("a CONFIRMED row comes back with its payment deadline, a FAILED one without")
                .allSatisfy(row -> assertThat(row.payBy() != null).isEqualTo(row.isConfirmed()));
        assertThat(orderBook.find(expired.orderId()))
                .get()
                .extracting(SettledOrder::status)
                .isEqualTo(OrderStatus.EXPIRED);
        assertThat(orderBook.insert(List.of(
                        SettledOrder.confirmed(expired),
                        SettledOrder.confirmed(bought),
                        SettledOrder.confirmed(soldOut))))
                .as("a second write of the same orders")
                .isEmpty();
    }

    @Test
    void twoWritersRacingForOneOrderLeaveOneRowAndOneWinner() throws Exception {
        int orders = 25;
        try (var writers = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < orders; i++) {
                OrderRequested order = order("buyer-" + i);
                SettledOrder confirmed = SettledOrder.confirmed(order);
                SettledOrder failed = SettledOrder.failed(order, FailureReason.SETTLEMENT_FAILED);
                var start = new CountDownLatch(1);
                Future<Boolean> worker = writers.submit(() -> {
                    start.await();
                    return orderBook.insertIfAbsent(confirmed);
                });
                Future<Boolean> deadLetters = writers.submit(() -> {
                    start.await();
                    return orderBook.insertIfAbsent(failed);
                });
                start.countDown();
                boolean workerWon = worker.get();

                assertThat(workerWon)
                        .as("exactly one writer of %s won", order.orderId())
                        .isNotEqualTo(deadLetters.get());
                assertThat(orderBook.find(order.orderId()))
                        .get()
                        .as("the row is the winner's")
                        .extracting(SettledOrder::status)
                        .isEqualTo(workerWon ? OrderStatus.CONFIRMED : OrderStatus.FAILED);
            }
        }
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                        .param(item)
                        .query(Integer.class)
                        .single())
                .isEqualTo(orders);
    }

    @Test
    void buyerHoldingsCountAnOrderOnceHoweverOftenItIsWritten() {
        OrderRequested order = order("alice");

        // A redelivery: two writers settle the same order, each counting only the rows it won. The
        // limit of two would let the database take a second unit, so only the rule prevents it.
        settleAsTheWorkerDoes(SettledOrder.confirmed(order));
        settleAsTheWorkerDoes(SettledOrder.confirmed(order));

        assertThat(holdings.ofItem(item)).isEqualTo(Map.of("alice", 1));
        assertThat(holdings.of(List.of(new BuyerKey(item, "alice")))).isEqualTo(Map.of(new BuyerKey(item, "alice"), 1));
        assertThat(itemOrders.confirmedOrdersOf(item))
                .extracting(SettledOrder::orderId)
                .containsExactly(order.orderId());
    }

    @Test
    void theDatabaseRefusesHoldingsBeyondTheItemsLimit() {
        holdings.add(Map.of(new BuyerKey(item, "alice"), 2));

        assertThatThrownBy(() -> holdings.add(Map.of(new BuyerKey(item, "alice"), 1)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(holdings.ofItem(item)).isEqualTo(Map.of("alice", 2));
    }

    @Test
    void aCompensationIsRecordedOnce() {
        OrderRequested order = order("alice");
        orderBook.insertIfAbsent(SettledOrder.failed(order, FailureReason.SETTLEMENT_FAILED));

        orderBook.markCompensated(List.of(order.orderId()));
        Optional<Instant> first = compensatedAt(order.orderId());
        orderBook.markCompensated(List.of(order.orderId()));

        assertThat(first).isPresent();
        assertThat(compensatedAt(order.orderId())).isEqualTo(first);
    }

    /** What the worker does with its decisions: writes them, then adds the units of the confirmed rows it won. */
    private void settleAsTheWorkerDoes(SettledOrder decided) {
        List<SettledOrder> won = orderBook.write(List.of(decided));
        holdings.add(won.stream()
                .filter(SettledOrder::isConfirmed)
                .collect(Collectors.groupingBy(
                        row -> new BuyerKey(row.itemId(), row.userId()),
                        Collectors.summingInt(SettledOrder::quantity))));
    }

    private OrderRequested order(String buyer) {
        return new OrderRequested(
                UUID.randomUUID(), item, buyer, 1, Instant.now(), Instant.now().plusSeconds(60));
    }

    private int rows(UUID orderId) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE order_id = ?")
                .param(orderId)
                .query(Integer.class)
                .single();
    }

    private Optional<Instant> compensatedAt(UUID orderId) {
        return jdbc.sql("SELECT compensated_at FROM orders WHERE order_id = ?")
                .param(orderId)
                .query((rs, row) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant))
                .single();
    }
}
