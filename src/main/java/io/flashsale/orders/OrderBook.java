package io.flashsale.orders;

import io.flashsale.shared.OrderStatus;
import io.flashsale.shared.PaymentProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code orders} table, where every order's fate is decided once: {@code order_id} is the
 * primary key, so the first writer (worker, dead-letter handler, reconciler or API) wins and every
 * later insert of the same order changes nothing. The rows of one item as a whole are read by
 * {@link ItemOrders}.
 */
@Component
public class OrderBook {

    static final String COLUMNS = "order_id, item_id, user_id, quantity, status, reason, created_at, pay_by";

    private final JdbcClient jdbc;
    /** A CONFIRMED row's payment window in milliseconds, 0 without one (then pay_by stays null). */
    private final long paymentWindowMillis;

    OrderBook(JdbcClient jdbc, PaymentProperties payment) {
        this.jdbc = jdbc;
        this.paymentWindowMillis = payment.window().toMillis();
    }

    /** Inserts the rows that do not exist yet; returns the ids this call actually wrote (see {@link #write}). */
    public Set<UUID> insert(List<SettledOrder> orders) {
        return write(orders).stream().map(SettledOrder::orderId).collect(Collectors.toSet());
    }

    /**
     * Inserts the rows that do not exist yet; returns those this call actually wrote, as written. A
     * CONFIRMED row gets its payment deadline ({@code payBy}) from PostgreSQL's clock, the clock
     * that decides a payment against its timeout.
     */
    public List<SettledOrder> write(List<SettledOrder> orders) {
        if (orders.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(
                        """
                        INSERT INTO orders (order_id, item_id, user_id, quantity, status, reason, created_at, pay_by)
                        SELECT o.*, CASE WHEN o.status = 'CONFIRMED' AND ?::bigint > 0
                                         THEN statement_timestamp() + ?::bigint * interval '1 millisecond' END
                        FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::int[], ?::text[], ?::text[],
                                    ?::timestamptz[]) AS o(order_id, item_id, user_id, quantity, status, reason, created_at)
                        ON CONFLICT (order_id) DO NOTHING
                        RETURNING\s"""
                                + COLUMNS)
                .params(
                        paymentWindowMillis,
                        paymentWindowMillis,
                        orders.stream().map(order -> order.orderId().toString()).toArray(String[]::new),
                        orders.stream().map(SettledOrder::itemId).toArray(Long[]::new),
                        orders.stream().map(SettledOrder::userId).toArray(String[]::new),
                        orders.stream().map(SettledOrder::quantity).toArray(Integer[]::new),
                        orders.stream().map(order -> order.status().name()).toArray(String[]::new),
                        orders.stream()
                                .map(order -> order.reason() == null
                                        ? null
                                        : order.reason().name())
                                .toArray(String[]::new),
                        orders.stream()
                                .map(order -> order.requestedAt().toString())
                                .toArray(String[]::new))
                .query(OrderBook::settledOrder)
                .list();
    }

    /** First writer wins: true if this call decided the order's fate. */
    public boolean insertIfAbsent(SettledOrder order) {
        return !insert(List.of(order)).isEmpty();
    }

    public Map<UUID, SettledOrder> find(Collection<UUID> orderIds) {
        Map<UUID, SettledOrder> found = new HashMap<>();
        jdbc.sql("SELECT " + COLUMNS + " FROM orders WHERE order_id = ANY(?::uuid[])")
                .param(orderIds.stream().map(UUID::toString).toArray(String[]::new))
                .query(OrderBook::settledOrder)
                .list()
                .forEach(order -> found.put(order.orderId(), order));
        return found;
    }

    public Optional<SettledOrder> find(UUID orderId) {
        return Optional.ofNullable(find(List.of(orderId)).get(orderId));
    }

    /** Records that the reservations of these orders were given back to the gate. */
    public void markCompensated(Collection<UUID> orderIds) {
        if (orderIds.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE orders SET compensated_at = now() WHERE order_id = ANY(?::uuid[]) AND compensated_at IS NULL")
                .param(orderIds.stream().map(UUID::toString).toArray(String[]::new))
                .update();
    }

    /** Maps a row of {@code orders} read with at least the columns of {@link #COLUMNS}. */
    public static SettledOrder settledOrder(ResultSet rs, int row) throws SQLException {
        String reason = rs.getString("reason");
        Timestamp payBy = rs.getTimestamp("pay_by");
        return new SettledOrder(
                rs.getObject("order_id", UUID.class),
                rs.getLong("item_id"),
                rs.getString("user_id"),
                rs.getInt("quantity"),
                OrderStatus.valueOf(rs.getString("status")),
                reason == null ? null : FailureReason.valueOf(reason),
                rs.getTimestamp("created_at").toInstant(),
                payBy == null ? null : payBy.toInstant());
    }
}
