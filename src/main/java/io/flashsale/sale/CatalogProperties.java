package io.flashsale.sale;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_CATALOG_*}: how long this instance keeps sale and item data in memory. An admin's
 * change (create, warm-up) clears it at once on every instance (docs/adr/0013); these bound the age
 * of what is served if such a message is lost, and the age of the stock figure on the public view.
 *
 * @param itemTtl item metadata (window, per-user limit) used to validate purchases
 * @param saleTtl the public view of a sale, {@code available} included
 */
@ConfigurationProperties("flashsale.catalog")
record CatalogProperties(@DefaultValue("10s") Duration itemTtl, @DefaultValue("1s") Duration saleTtl) {}
