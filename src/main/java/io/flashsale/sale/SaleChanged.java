package io.flashsale.sale;

import java.util.List;

/** An admin created or warmed up a sale: what any instance cached about it is out of date. */
public record SaleChanged(long saleId, List<Long> itemIds) {}
