package io.flashsale.shared;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param token {@code FLASHSALE_ADMIN_TOKEN}: the admin endpoints' bearer token; blank: one is made at start */
@ConfigurationProperties("flashsale.admin")
record AdminProperties(@DefaultValue("") String token) {}
