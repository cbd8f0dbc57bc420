package io.flashsale.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_DEMO_STARTS_IN}: how long after start-up the demo sale opens (the demo itself is
 * switched on by {@code FLASHSALE_DEMO=true}, read by {@link DemoSale}'s condition).
 */
@ConfigurationProperties("flashsale.demo")
record DemoProperties(@DefaultValue("30s") Duration startsIn) {}
