package io.flashsale.sale;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code flash_sales} rows, and the items written with them; a sale is read with its items
 * ({@link SaleItemRows}).
 */
@Repository
class SaleRepository {

    private final JdbcClient jdbc;
    private final SaleItemRows items;

    SaleRepository(JdbcClient jdbc, SaleItemRows items) {
        this.jdbc = jdbc;
        this.items = items;
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
                        items.ofSale(saleId)))
                .optional();
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
        Map<Long, List<SaleItem>> itemsBySale =
                items.ofSales(headers.stream().map(Header::id).toList());
        return headers.stream()
                .map(sale -> new Sale(
                        sale.id(),
                        sale.name(),
                        sale.startsAt(),
                        sale.endsAt(),
                        sale.status(),
                        itemsBySale.getOrDefault(sale.id(), List.of())))
                .toList();
    }
}
