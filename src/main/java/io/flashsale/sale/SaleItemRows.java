package io.flashsale.sale;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads of {@code flash_sale_items} rows, each joined with its sale's window and status: a
 * {@link SaleItem} always carries both.
 */
@Repository
class SaleItemRows {

    private static final String ITEM_COLUMNS =
            """
            i.id, i.sale_id, i.sku, i.name, i.price, i.total_stock, i.available, i.per_user_limit,
            s.starts_at, s.ends_at, s.status
            """;
    private static final String SELECT_ITEMS =
            "SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id";

    private final JdbcClient jdbc;

    SaleItemRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The items of one sale, in the order they were created. */
    List<SaleItem> ofSale(long saleId) {
        return jdbc.sql(SELECT_ITEMS + " WHERE i.sale_id = ? ORDER BY i.id")
                .param(saleId)
                .query(SaleItemRows::item)
                .list();
    }

    /** The items of these sales by sale id, each sale's in the order they were created: one query. */
    Map<Long, List<SaleItem>> ofSales(Collection<Long> saleIds) {
        return jdbc
                .sql(SELECT_ITEMS + " WHERE i.sale_id = ANY(?) ORDER BY i.id")
                .param(saleIds.toArray(Long[]::new))
                .query(SaleItemRows::item)
                .list()
                .stream()
                .collect(Collectors.groupingBy(SaleItem::saleId));
    }

    Optional<SaleItem> find(long itemId) {
        return jdbc.sql(SELECT_ITEMS + " WHERE i.id = ?")
                .param(itemId)
                .query(SaleItemRows::item)
                .optional();
    }

    List<SaleItem> findWarmedUpEndingAfter(Instant instant) {
        return jdbc.sql(SELECT_ITEMS + " WHERE s.status = 'WARMED_UP' AND s.ends_at > ? ORDER BY i.id")
                .param(Timestamp.from(instant))
                .query(SaleItemRows::item)
                .list();
    }

    /** The items carrying this SKU, in any sale, the latest sale first (at most 100). */
    List<SaleItem> findWithSku(String sku) {
        return jdbc.sql(SELECT_ITEMS + " WHERE i.sku = ? ORDER BY s.starts_at DESC, s.id DESC LIMIT 100")
                .param(sku)
                .query(SaleItemRows::item)
                .list();
    }

    private static SaleItem item(ResultSet rs, int row) throws SQLException {
        return new SaleItem(
                rs.getLong("id"),
                rs.getLong("sale_id"),
                rs.getString("sku"),
                rs.getString("name"),
                rs.getBigDecimal("price"),
                rs.getInt("total_stock"),
                rs.getInt("available"),
                rs.getInt("per_user_limit"),
                rs.getTimestamp("starts_at").toInstant(),
                rs.getTimestamp("ends_at").toInstant(),
                SaleStatus.valueOf(rs.getString("status")));
    }
}
