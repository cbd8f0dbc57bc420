package io.flashsale.orders;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code buyer_holdings} table: the confirmed units per buyer and item, which the database uses
 * to enforce the per-user limit (a CHECK against the item's limit).
 */
@Component
public class BuyerHoldings {

    private final JdbcClient jdbc;

    BuyerHoldings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Confirmed units per buyer of one item, as the gate needs them when it is (re)built. */
    public Map<String, Integer> ofItem(long itemId) {
        Map<String, Integer> holdings = new HashMap<>();
        jdbc.sql("SELECT user_id, units FROM buyer_holdings WHERE item_id = ?")
                .param(itemId)
                .query((rs, row) -> holdings.put(rs.getString("user_id"), rs.getInt("units")))
                .list();
        return holdings;
    }

    public Map<BuyerKey, Integer> of(Collection<BuyerKey> buyers) {
        Map<BuyerKey, Integer> holdings = new HashMap<>();
        jdbc.sql(
                        """
                        SELECT h.item_id, h.user_id, h.units FROM buyer_holdings h
                        JOIN unnest(?::bigint[], ?::text[]) AS b(item_id, user_id)
                          ON h.item_id = b.item_id AND h.user_id = b.user_id
                        """)
                .params(
                        buyers.stream().map(BuyerKey::itemId).toArray(Long[]::new),
                        buyers.stream().map(BuyerKey::userId).toArray(String[]::new))
                .query((rs, row) ->
                        holdings.put(new BuyerKey(rs.getLong("item_id"), rs.getString("user_id")), rs.getInt("units")))
                .list();
        return holdings;
    }

    /** Adds confirmed units; the table's CHECK against the item's limit refuses any excess. */
    public void add(Map<BuyerKey, Integer> units) {
        if (units.isEmpty()) {
            return;
        }
        jdbc.sql(
                        """
                        INSERT INTO buyer_holdings (item_id, user_id, per_user_limit, units)
                        SELECT b.item_id, b.user_id, i.per_user_limit, b.units
                        FROM unnest(?::bigint[], ?::text[], ?::int[]) AS b(item_id, user_id, units)
                        JOIN flash_sale_items i ON i.id = b.item_id
                        ON CONFLICT (item_id, user_id) DO UPDATE SET units = buyer_holdings.units + excluded.units
                        """)
                .params(
                        units.keySet().stream().map(BuyerKey::itemId).toArray(Long[]::new),
                        units.keySet().stream().map(BuyerKey::userId).toArray(String[]::new),
                        units.values().toArray(Integer[]::new))
                .update();
    }
}
