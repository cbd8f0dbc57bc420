package io.flashsale.sale;

import java.math.BigDecimal;
import java.time.Instant;

/** An item with its sale's window, as admission and warm-up need it. */
public record SaleItem(
        long id,
        long saleId,
        String sku,
        String name,
        BigDecimal price,
        int totalStock,
        int available,
        int perUserLimit,
        Instant startsAt,
        Instant endsAt,
        SaleStatus saleStatus) {

    public boolean isOpenAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }
}
