package io.flashsale.sale;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The JSON shape of a sale; {@code available} is PostgreSQL's remaining stock. */
record SaleView(long id, String name, Instant startsAt, Instant endsAt, SaleStatus status, List<ItemView> items) {

    record ItemView(
            long id, String sku, String name, BigDecimal price, int totalStock, int available, int perUserLimit) {}

    static SaleView of(Sale sale) {
        return new SaleView(
                sale.id(),
                sale.name(),
                sale.startsAt(),
                sale.endsAt(),
                sale.status(),
                sale.items().stream()
                        .map(item -> new ItemView(
                                item.id(),
                                item.sku(),
                                item.name(),
                                item.price(),
                                item.totalStock(),
                                item.available(),
                                item.perUserLimit()))
                        .toList());
    }
}
