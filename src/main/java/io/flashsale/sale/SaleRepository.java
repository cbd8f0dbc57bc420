package io.flashsale.sale;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class SaleRepository {

    private static final String ITEM_COLUMNS =
            """
            i.id, i.sale_id, i.sku, i.name, i.price, i.total_stock, i.available, i.per_user_limit,
            s.starts_at, s.ends_at, s.status
            """;

    private final JdbcClient jdbc;

    SaleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insertSale(CreateSale sale) {
        return jdbc.sql("INSERT INTO flash_sales (name, starts_at, ends_at) VALUES (?, ?, ?) RETURNING id")
                .params(sale.name(), Timestamp.from(sale.startsAt()), Timestamp.from(sale.endsAt()))
                .query(Long.class)
                .single();
    }

    void insertItem(long saleId, CreateSale.Item item) {
        jdbc.sql(
                        """
                INSERT INTO flash_sale_items (sale_id, sku, name, price, total_stock, available, per_user_limit)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
                .params(saleId, item.sku(), item.name(), item.price(), item.stock(), item.stock(), item.perUserLimit())
                .update();
    }

    Optional<Sale> findSale(long saleId) {
        return jdbc.sql("SELECT id, name, starts_at, ends_at, status FROM flash_sales WHERE id = ?")
                .param(saleId)
                .query((rs, row) -> new Sale(
                        rs.getLong("id"),
                        rs.getString("name"),
                        rs.getTimestamp("starts_at").toInstant(),
                        rs.getTimestamp("ends_at").toInstant(),
                        SaleStatus.valueOf(rs.getString("status")),
                        findItemsOfSale(saleId)))
                .optional();
    }

    List<SaleItem> findItemsOfSale(long saleId) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id"
                        + " WHERE i.sale_id = ? ORDER BY i.id")
                .param(saleId)
                .query(SaleRepository::item)
                .list();
    }

    Optional<SaleItem> findItem(long itemId) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id"
                        + " WHERE i.id = ?")
                .param(itemId)
                .query(SaleRepository::item)
                .optional();
    }

    List<SaleItem> findWarmedUpItemsEndingAfter(Instant instant) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id"
                        + " WHERE s.status = 'WARMED_UP' AND s.ends_at > ? ORDER BY i.id")
                .param(Timestamp.from(instant))
                .query(SaleRepository::item)
                .list();
    }

    /** The items carrying this SKU, in any sale, the latest sale first (at most 100). */
    List<SaleItem> findItemsWithSku(String sku) {
        return jdbc.sql("SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id"
                        + " WHERE i.sku = ? ORDER BY s.starts_at DESC, s.id DESC LIMIT 100")
                .param(sku)
                .query(SaleRepository::item)
                .list();
    }

    boolean anySaleOpenAt(Instant instant) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM flash_sales WHERE starts_at <= ? AND ends_at > ?)")
                .params(Timestamp.from(instant), Timestamp.from(instant))
                .query(Boolean.class)
                .single();
    }

    void markWarmedUp(long saleId) {
        jdbc.sql("UPDATE flash_sales SET status = 'WARMED_UP' WHERE id = ?")
                .param(saleId)
                .update();
    }

    /**
     * Sales that have not ended by {@code instant}, the soonest start first, at most {@code limit},
     * with their items: two queries whatever the number of sales.
     */
    List<Sale> findNotEndedBy(Instant instant, int limit) {
        record Header(long id, String name, Instant startsAt, Instant endsAt, SaleStatus status) {}
        List<Header> headers = jdbc.sql(
                        """
                        SELECT id, name, starts_at, ends_at, status FROM flash_sales
                        WHERE ends_at > ? ORDER BY starts_at, id LIMIT ?
                        """)
                .params(Timestamp.from(instant), limit)
                .query((rs, row) -> new Header(
                        rs.getLong("id"),
                        rs.getString("name"),
                        rs.getTimestamp("starts_at").toInstant(),
                        rs.getTimestamp("ends_at").toInstant(),
                        SaleStatus.valueOf(rs.getString("status"))))
                .list();
        if (headers.isEmpty()) {
            return List.of();
        }
        Map<Long, List<SaleItem>> items = jdbc
                .sql("SELECT " + ITEM_COLUMNS + " FROM flash_sale_items i JOIN flash_sales s ON s.id = i.sale_id"
                        + " WHERE i.sale_id = ANY(?) ORDER BY i.id")
                .param(headers.stream().map(Header::id).toArray(Long[]::new))
                .query(SaleRepository::item)
                .list()
                .stream()
                .collect(Collectors.groupingBy(SaleItem::saleId));
        return headers.stream()
                .map(sale -> new Sale(
                        sale.id(),
                        sale.name(),
                        sale.startsAt(),
                        sale.endsAt(),
                        sale.status(),
                        items.getOrDefault(sale.id(), List.of())))
                .toList();
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
