package io.flashsale.orders;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code orders} rows of one item as a whole, read when its gate is loaded, rebuilt or checked
 * for drift: the orders that hold units, and those whose ids the gate must never count again.
 */
@Component
public class ItemOrders {

    private final JdbcClient jdbc;

    ItemOrders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The orders of one item that hold units (CONFIRMED and PAID), oldest first: what the gate must count as sold. */
    public List<SettledOrder> confirmedOrdersOf(long itemId) {
        return jdbc.sql("SELECT " + OrderBook.COLUMNS
                        + " FROM orders WHERE item_id = ? AND status IN ('CONFIRMED', 'PAID')" + " ORDER BY created_at")
                .param(itemId)
                .query(OrderBook::settledOrder)
                .list();
    }

    /** The CANCELLED orders of one item: their units went back on sale, and the gate must never count them again. */
    public List<UUID> cancelledOrderIdsOf(long itemId) {
        return jdbc.sql("SELECT order_id FROM orders WHERE item_id = ? AND status = 'CANCELLED'")
                .param(itemId)
                .query(UUID.class)
                .list();
    }

    /** The orders of one item the API withdrew after an unconfirmed publish (their ids are spent). */
    public List<UUID> withdrawnOrderIdsOf(long itemId) {
        return jdbc.sql("SELECT order_id FROM orders WHERE item_id = ? AND status = 'FAILED' AND reason = ?")
                .params(itemId, FailureReason.PUBLISH_UNCONFIRMED.name())
                .query(UUID.class)
                .list();
    }

    /** Whether PostgreSQL holds any order of the item that holds units (CONFIRMED or PAID). */
    public boolean hasConfirmedOrders(long itemId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM orders WHERE item_id = ? AND status IN ('CONFIRMED', 'PAID'))")
                .param(itemId)
                .query(Boolean.class)
                .single();
    }
}
