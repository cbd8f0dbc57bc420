package io.flashsale.payment;

import io.flashsale.orders.FailureReason;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.Inventory;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The two ways a CONFIRMED hold ends, each one conditional UPDATE of the order's row that only a
 * CONFIRMED row passes: PAID (within the window, by PostgreSQL's clock) and CANCELLED (its units
 * back in {@code available} and out of the buyer's holding, in the same transaction). Under READ
 * COMMITTED the second of two such updates of one row waits for the first and then finds it no
 * longer CONFIRMED, so a payment and the timeout of the same order cannot both win.
 */
@Repository
class PaymentLedger {

    private static final String COLUMNS = "order_id, item_id, user_id, quantity, status, reason, created_at, pay_by";

    /** The row as a refused payment needs it: whether its window had closed by PostgreSQL's clock, and who paid it. */
    record PaymentState(SettledOrder order, boolean windowClosed, String paymentReference) {}

    private final JdbcClient jdbc;
    private final Inventory inventory;

    PaymentLedger(JdbcClient jdbc, Inventory inventory) {
        this.jdbc = jdbc;
        this.inventory = inventory;
    }

    /** CONFIRMED and within its window → PAID; empty if the row was anything else. */
    Optional<SettledOrder> pay(UUID orderId, String paymentReference) {
        return jdbc.sql(
                        """
                        UPDATE orders SET status = 'PAID', paid_at = now(), payment_reference = ?
                        WHERE order_id = ? AND status = 'CONFIRMED' AND pay_by > now()
                        RETURNING\s"""
                                + COLUMNS)
                .params(paymentReference, orderId)
                .query(OrderBook::settledOrder)
                .optional();
    }

    Optional<PaymentState> paymentState(UUID orderId) {
        return jdbc.sql("SELECT " + COLUMNS
                        + ", payment_reference, pay_by IS NOT NULL AND pay_by <= now() AS window_closed"
                        + " FROM orders WHERE order_id = ?")
                .param(orderId)
                .query((rs, row) -> new PaymentState(
                        OrderBook.settledOrder(rs, row),
                        rs.getBoolean("window_closed"),
                        rs.getString("payment_reference")))
                .optional();
    }

    /** Remembers a refused payment for its refund; a repeat of the same one is remembered once. */
    void recordRefusal(UUID orderId, String paymentReference, String reason) {
        jdbc.sql(
                        "INSERT INTO refused_payments (order_id, payment_reference, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(orderId, paymentReference, reason)
                .update();
    }

    /**
     * Cancels those of {@code orderIds} (of one item) that are still CONFIRMED holds, and only once
     * their window has passed unless the buyer cancels, and puts their units back: {@code available}
     * up, the buyers' holdings down. The item row is locked first, as settlement locks it before it
     * writes orders, so the two never wait for each other in opposite orders. Returns the rows
     * cancelled by this call.
     */
    @Transactional
    public List<SettledOrder> cancel(long itemId, Collection<UUID> orderIds, FailureReason reason) {
        inventory.lock(List.of(itemId));
        List<SettledOrder> cancelled = jdbc.sql(
                        """
                        UPDATE orders SET status = 'CANCELLED', reason = ?, cancelled_at = now()
                        WHERE order_id = ANY(?::uuid[]) AND item_id = ? AND status = 'CONFIRMED' AND pay_by IS NOT NULL
                          AND (? OR pay_by <= now())
                        RETURNING\s"""
                                + COLUMNS)
                .params(
                        reason.name(),
                        orderIds.stream().map(UUID::toString).toArray(String[]::new),
                        itemId,
                        reason == FailureReason.BUYER_CANCELLED)
                .query(OrderBook::settledOrder)
                .list();
        if (cancelled.isEmpty()) {
            return cancelled;
        }
        inventory.giveBack(Map.of(
                itemId, cancelled.stream().mapToInt(SettledOrder::quantity).sum()));
        Map<String, Integer> units = cancelled.stream()
                .collect(Collectors.groupingBy(
                        SettledOrder::userId, LinkedHashMap::new, Collectors.summingInt(SettledOrder::quantity)));
        jdbc.sql(
                        """
                        WITH returned AS (SELECT * FROM unnest(?::text[], ?::int[]) AS r(user_id, units)),
                             emptied AS (DELETE FROM buyer_holdings h USING returned r
                                         WHERE h.item_id = ? AND h.user_id = r.user_id AND h.units <= r.units)
                        UPDATE buyer_holdings h SET units = h.units - r.units FROM returned r
                        WHERE h.item_id = ? AND h.user_id = r.user_id AND h.units > r.units
                        """)
                .params(units.keySet().toArray(String[]::new), units.values().toArray(Integer[]::new), itemId, itemId)
                .update();
        return cancelled;
    }

    /** Holds whose window has passed, oldest deadline first, by item. */
    Map<Long, List<UUID>> overdue(int limit) {
        Map<Long, List<UUID>> byItem = new LinkedHashMap<>();
        jdbc.sql(
                        """
                        SELECT order_id, item_id FROM orders
                        WHERE status = 'CONFIRMED' AND pay_by IS NOT NULL AND pay_by <= now()
                        ORDER BY pay_by LIMIT ?
                        """)
                .param(limit)
                .query((rs, row) -> byItem.computeIfAbsent(rs.getLong("item_id"), item -> new java.util.ArrayList<>())
                        .add(rs.getObject("order_id", UUID.class)))
                .list();
        return byItem;
    }

    /** Cancelled orders whose units were not given back to the gate yet, cancelled longer ago than {@code olderThan}, by item. */
    Map<Long, List<SettledOrder>> unfinishedReturns(Duration olderThan, int limit) {
        return jdbc
                .sql("SELECT " + COLUMNS + " FROM orders WHERE status = 'CANCELLED' AND compensated_at IS NULL"
                        + " AND cancelled_at < now() - ? * interval '1 millisecond' ORDER BY cancelled_at LIMIT ?")
                .params(olderThan.toMillis(), limit)
                .query(OrderBook::settledOrder)
                .list()
                .stream()
                .collect(Collectors.groupingBy(SettledOrder::itemId, LinkedHashMap::new, Collectors.toList()));
    }
}
