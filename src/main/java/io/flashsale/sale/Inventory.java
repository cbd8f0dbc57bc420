package io.flashsale.sale;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The stock rows, as settlement uses them inside its own transaction: lock, then decrement by what
 * was actually sold; and as a return uses them: lock, then increment by what a cancelled order
 * gives back. {@code CHECK (available >= 0)} stops an oversell even if a caller is wrong, and
 * {@code CHECK (available <= total_stock)} a unit given back twice.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
public class Inventory {

    private final JdbcClient jdbc;

    Inventory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the rows in id order, so two batches touching the same items cannot deadlock. */
    public Map<Long, StockLevel> lock(Collection<Long> itemIds) {
        return jdbc
                .sql(
                        """
                        SELECT id, available, per_user_limit FROM flash_sale_items
                        WHERE id = ANY(?) ORDER BY id FOR UPDATE
                        """)
                .param(itemIds.toArray(Long[]::new))
                .query((rs, row) ->
                        new StockLevel(rs.getLong("id"), rs.getInt("available"), rs.getInt("per_user_limit")))
                .list()
                .stream()
                .collect(Collectors.toMap(StockLevel::itemId, Function.identity()));
    }

    public void deduct(Map<Long, Integer> unitsByItem) {
        if (unitsByItem.isEmpty()) {
            return;
        }
        jdbc.sql(
                        """
                        UPDATE flash_sale_items i SET available = i.available - sold.units
                        FROM unnest(?::bigint[], ?::int[]) AS sold(item_id, units)
                        WHERE i.id = sold.item_id
                        """)
                .params(
                        unitsByItem.keySet().toArray(Long[]::new),
                        unitsByItem.values().toArray(Integer[]::new))
                .update();
    }

    /** Puts units of cancelled orders back on sale. */
    public void giveBack(Map<Long, Integer> unitsByItem) {
        if (unitsByItem.isEmpty()) {
            return;
        }
        jdbc.sql(
                        """
                        UPDATE flash_sale_items i SET available = i.available + returned.units
                        FROM unnest(?::bigint[], ?::int[]) AS returned(item_id, units)
                        WHERE i.id = returned.item_id
                        """)
                .params(
                        unitsByItem.keySet().toArray(Long[]::new),
                        unitsByItem.values().toArray(Integer[]::new))
                .update();
    }

    public record StockLevel(long itemId, int available, int perUserLimit) {}
}
