package io.flashsale.admission.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_EVENTS_*}: the Server-Sent Events streams of orders and items (docs/adr/0050).
 *
 * @param maxConnections streams one api instance keeps open at once; one more is answered 503
 * @param heartbeat      how often an idle stream gets a comment line, so proxies (nginx reads for
 *                       15 s) keep it and a client that went away is noticed
 * @param lifetime       how long one stream stays open; the browser then reconnects on its own with
 *                       {@code Last-Event-ID}, which spreads streams over instances added since
 * @param stockInterval  how often a process announces the items whose units moved, and how often an
 *                       api instance reads the units of the items it streams that moved
 */
@ConfigurationProperties("flashsale.events")
record EventStreamProperties(
        @DefaultValue("2000") int maxConnections,
        @DefaultValue("10s") Duration heartbeat,
        @DefaultValue("10m") Duration lifetime,
        @DefaultValue("250ms") Duration stockInterval) {}
