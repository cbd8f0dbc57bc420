package io.flashsale.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.GateKeys;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The five invariants of DESIGN section 5, checked against PostgreSQL and Redis for one item, as
 * section 5a extends them: units are sold by CONFIRMED and PAID orders, a CONFIRMED order is final
 * or within its payment window, and the units of a CANCELLED order went back to the gate once.
 * Every test that loads the system ends with {@link #awaitQuietAndAssert}.
 */
public final class SaleInvariants {

    private final JdbcClient jdbc;
    private final StringRedisTemplate redis;
    private final GateKeys keys;

    public SaleInvariants(JdbcClient jdbc, StringRedisTemplate redis, GateKeys keys) {
        this.jdbc = jdbc;
        this.redis = redis;
        this.keys = keys;
    }

    /** Waits until the system is quiet for this item, then asserts all five invariants. */
    public void awaitQuietAndAssert(long itemId, Collection<UUID> acceptedOrders, Duration timeout) {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertAll(itemId, acceptedOrders));
    }

    public void assertAll(long itemId, Collection<UUID> acceptedOrders) {
        assertNoOversell(itemId);
        assertPerUserLimit(itemId);
        assertNothingLost(itemId, acceptedOrders);
        assertGateMatchesDatabase(itemId);
        assertReturnedOnce(itemId);
        assertStandbyServedInOrder(itemId);
        assertIdempotent(itemId, acceptedOrders);
    }

    /** 1. available >= 0 and total_stock = available + units of CONFIRMED and PAID orders. */
    public void assertNoOversell(long itemId) {
        var stock = jdbc.sql(
                        """
                        SELECT i.total_stock, i.available,
                               (SELECT coalesce(sum(quantity), 0) FROM orders o
                                WHERE o.item_id = i.id AND o.status IN ('CONFIRMED', 'PAID')) AS sold
                        FROM flash_sale_items i WHERE i.id = ?
                        """)
                .param(itemId)
                .query()
                .singleRow();
        int total = ((Number) stock.get("total_stock")).intValue();
        int available = ((Number) stock.get("available")).intValue();
        int sold = ((Number) stock.get("sold")).intValue();
        assertThat(available).as("available of item %d", itemId).isGreaterThanOrEqualTo(0);
        assertThat(available + sold)
                .as("available + units of CONFIRMED and PAID orders of item %d", itemId)
                .isEqualTo(total);
    }

    /** 2. Nobody holds more units (CONFIRMED and PAID) than the item's per-user limit. */
    public void assertPerUserLimit(long itemId) {
        List<String> overLimit = jdbc.sql(
                        """
                        SELECT o.user_id FROM orders o JOIN flash_sale_items i ON i.id = o.item_id
                        WHERE o.item_id = ? AND o.status IN ('CONFIRMED', 'PAID')
                        GROUP BY o.user_id, i.per_user_limit HAVING sum(o.quantity) > i.per_user_limit
                        """)
                .param(itemId)
                .query(String.class)
                .list();
        assertThat(overLimit).as("buyers above the per-user limit").isEmpty();
    }

    /**
     * 3. Every accepted order has exactly one row, final or a CONFIRMED hold within its payment
     * window; no reservation is left pending.
     */
    public void assertNothingLost(long itemId, Collection<UUID> acceptedOrders) {
        Set<UUID> rows = assertAcceptedSettled(itemId, acceptedOrders);
        assertThat(difference(rows, new HashSet<>(acceptedOrders)))
                .as("rows of orders never accepted")
                .isEmpty();
    }

    /**
     * 3 without its "no rows but those accepted" half, for runs with faults, where an order may
     * rightly have a row its buyer never heard of (a request cut off after the publish, an order
     * withdrawn after an unconfirmed publish). Returns the accepted orders' rows.
     */
    public Set<UUID> assertAcceptedSettled(long itemId, Collection<UUID> acceptedOrders) {
        Set<UUID> accepted = new HashSet<>(acceptedOrders);
        Map<UUID, String> rows = new java.util.HashMap<>();
        jdbc.sql("SELECT order_id, status FROM orders WHERE order_id = ANY(?::uuid[])")
                .param(accepted.stream().map(UUID::toString).toArray(String[]::new))
                .query((rs, row) -> rows.put(rs.getObject("order_id", UUID.class), rs.getString("status")))
                .list();
        // Set differences, not AssertJ's any-order matching: that is quadratic, and a benchmark checks 200,000 orders.
        assertThat(difference(accepted, rows.keySet()))
                .as("accepted orders without a row")
                .isEmpty();
        assertThat(rows.values())
                .as("statuses")
                .allMatch(Set.of("CONFIRMED", "PAID", "CANCELLED", "FAILED", "EXPIRED")::contains);
        assertThat(redis.opsForHash().size(keys.pending(itemId)))
                .as("pending reservations")
                .isZero();
        assertThat(jdbc.sql(
                                "SELECT order_id FROM orders WHERE item_id = ? AND status = 'CONFIRMED' AND pay_by <= now()")
                        .param(itemId)
                        .query(UUID.class)
                        .list())
                .as("CONFIRMED orders past their payment window")
                .isEmpty();
        return rows.keySet();
    }

    /**
     * Each returned unit given back once: every CANCELLED order of the item has reached the gate
     * ({@code compensated_at}), which counts it as returned and no longer as sold.
     */
    public void assertReturnedOnce(long itemId) {
        List<UUID> cancelled = jdbc.sql("SELECT order_id FROM orders WHERE item_id = ? AND status = 'CANCELLED'")
                .param(itemId)
                .query(UUID.class)
                .list();
        assertThat(jdbc.sql(
                                "SELECT order_id FROM orders WHERE item_id = ? AND status = 'CANCELLED' AND compensated_at IS NULL")
                        .param(itemId)
                        .query(UUID.class)
                        .list())
                .as("CANCELLED orders whose units did not reach the gate")
                .isEmpty();
        Set<String> returned = redis.opsForSet().members(keys.returned(itemId));
        Set<String> confirmed = redis.opsForSet().members(keys.confirmed(itemId));
        for (UUID order : cancelled) {
            assertThat(returned).as("orders the gate counts as returned").contains(order.toString());
            assertThat(confirmed).as("orders the gate counts as sold").doesNotContain(order.toString());
        }
    }

    /** 4. Compensation happened exactly once: the gate's tokens equal PostgreSQL's available. */
    public void assertGateMatchesDatabase(long itemId) {
        int available = jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                .param(itemId)
                .query(Integer.class)
                .single();
        String tokens = redis.opsForValue().get(keys.tokens(itemId));
        assertThat(tokens).as("tokens of item %d", itemId).isNotNull();
        assertThat(Integer.parseInt(tokens))
                .as("Redis tokens vs PostgreSQL available of item %d", itemId)
                .isEqualTo(available);
    }

    /** The gate's count of units per buyer equals PostgreSQL's holdings (once quiet, nothing pending). */
    public void assertBuyersMatchHoldings(long itemId) {
        Map<String, Integer> gateBuyers = new java.util.TreeMap<>();
        redis.<String, String>opsForHash()
                .entries(keys.buyers(itemId))
                .forEach((buyer, units) -> gateBuyers.put(buyer, Integer.parseInt(units)));
        Map<String, Integer> holdings = new java.util.TreeMap<>();
        jdbc.sql("SELECT user_id, units FROM buyer_holdings WHERE item_id = ?")
                .param(itemId)
                .query((rs, row) -> holdings.put(rs.getString("user_id"), rs.getInt("units")))
                .list();
        assertThat(gateBuyers)
                .as("gate buyers vs PostgreSQL holdings of item %d", itemId)
                .isEqualTo(holdings);
    }

    /**
     * The standby list: every standing order served has its order queued and settled (a row), and
     * none was served while one before it, for as many units or fewer, was left waiting or expired.
     * (A buyer over the per-user limit is rightly passed over: use it where standby buyers hold nothing else.)
     */
    public void assertStandbyServedInOrder(long itemId) {
        assertThat(jdbc.sql(
                                """
                        SELECT s.standby_id FROM standby s LEFT JOIN orders o ON o.order_id = s.order_id
                        WHERE s.item_id = ? AND s.status = 'SERVED' AND (o.order_id IS NULL OR s.queued_at IS NULL)
                        """)
                        .param(itemId)
                        .query(UUID.class)
                        .list())
                .as("served standing orders without a settled order")
                .isEmpty();
        assertThat(jdbc.sql(
                                """
                        SELECT s.standby_id FROM standby s JOIN standby before ON before.item_id = s.item_id
                        WHERE s.item_id = ? AND s.status = 'SERVED' AND before.seq < s.seq
                          AND before.status IN ('WAITING', 'EXPIRED') AND before.quantity <= s.quantity
                        """)
                        .param(itemId)
                        .query(UUID.class)
                        .list())
                .as("standing orders served out of turn")
                .isEmpty();
    }

    /** The orders made for buyers served from the standby list (accepted by the gate on their behalf). */
    public List<UUID> standbyOrders(long itemId) {
        return jdbc.sql("SELECT order_id FROM standby WHERE item_id = ? AND order_id IS NOT NULL")
                .param(itemId)
                .query(UUID.class)
                .list();
    }

    /** 5. No order was counted twice: every row of the item was accepted once, holdings match the orders. */
    public void assertIdempotent(long itemId, Collection<UUID> acceptedOrders) {
        List<UUID> rows = jdbc.sql(
                        "SELECT order_id FROM orders WHERE item_id = ? AND reason IS DISTINCT FROM 'PUBLISH_UNCONFIRMED'"
                                + " AND order_id NOT IN (SELECT order_id FROM standby WHERE order_id IS NOT NULL)")
                .param(itemId)
                .query(UUID.class)
                .list();
        assertThat(difference(rows, new HashSet<>(acceptedOrders)))
                .as("rows of orders never accepted")
                .isEmpty();
        assertHoldingsMatchOrders(itemId);
    }

    /** 5, the part that holds whatever the buyers were told: each buyer's holding equals their CONFIRMED and PAID units. */
    public void assertHoldingsMatchOrders(long itemId) {
        List<String> mismatched = jdbc.sql(
                        """
                        SELECT coalesce(h.user_id, o.user_id)
                        FROM (SELECT user_id, units FROM buyer_holdings WHERE item_id = ?) h
                        FULL JOIN (SELECT user_id, sum(quantity) AS units FROM orders
                                   WHERE item_id = ? AND status IN ('CONFIRMED', 'PAID') GROUP BY user_id) o
                          ON o.user_id = h.user_id
                        WHERE h.units IS DISTINCT FROM o.units
                        """)
                .params(itemId, itemId)
                .query(String.class)
                .list();
        assertThat(mismatched)
                .as("buyers whose holdings differ from their confirmed orders")
                .isEmpty();
    }

    private static Set<UUID> difference(Collection<UUID> from, Set<UUID> minus) {
        Set<UUID> left = new HashSet<>(from);
        left.removeAll(minus);
        return left;
    }
}
