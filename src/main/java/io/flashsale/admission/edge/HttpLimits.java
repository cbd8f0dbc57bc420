package io.flashsale.admission.edge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** {@code FLASHSALE_HTTP_MAX_BODY_SIZE}: the largest request body any endpoint reads. */
@ConfigurationProperties("flashsale.http")
record HttpLimits(@DefaultValue("64KB") DataSize maxBodySize) {}
