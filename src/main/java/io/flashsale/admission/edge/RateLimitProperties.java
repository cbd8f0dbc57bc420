package io.flashsale.admission.edge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_RATE_LIMIT_*}: token buckets in front of the purchase endpoints, kept in this
 * process's memory (docs/adr/0010). Each limit refills {@code perSecond} tokens a second up to
 * {@code burst}; a {@code perSecond} of 0 turns that limit off.
 *
 * @param enabled          all three limits on or off
 * @param buyerPerSecond   purchases one buyer may make per second on this instance
 * @param buyerBurst       purchases one buyer may make at once
 * @param addressPerSecond purchase requests one client address may make per second on this instance
 * @param addressBurst     purchase requests one client address may make at once
 * @param globalPerSecond  purchase requests this instance takes per second, all clients together
 * @param globalBurst      purchase requests this instance takes at once
 * @param trackedKeys      most buyers and addresses remembered at once (least recently seen forgotten first)
 */
@ConfigurationProperties("flashsale.rate-limit")
record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2") int buyerPerSecond,
        @DefaultValue("5") int buyerBurst,
        @DefaultValue("50") int addressPerSecond,
        @DefaultValue("100") int addressBurst,
        @DefaultValue("2000") int globalPerSecond,
        @DefaultValue("2000") int globalBurst,
        @DefaultValue("1000000") int trackedKeys) {}
