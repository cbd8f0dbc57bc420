package io.flashsale.admission.legacy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_LEGACY_DIALECT}: which answers the compatibility facade gives its refusals
 * (docs/adr/0045).
 *
 * @param dialect {@code code} (default): as the original's code answered, every refusal HTTP 200
 *                with the outcome in {@code status}; {@code readme}: as its README described, every
 *                refusal HTTP 409 with the same body
 */
@ConfigurationProperties("flashsale.legacy")
record LegacyProperties(@DefaultValue("code") Dialect dialect) {

    enum Dialect {
        CODE,
        README
    }
}
