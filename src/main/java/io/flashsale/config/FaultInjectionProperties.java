package io.flashsale.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code flashsale.faults.*}, read only with the {@code fault-injection} profile active.
 *
 * @param failSettlementOfUser     the buyer whose orders fail settlement for good
 * @param haltBeforePublishOfUser  the buyer whose purchase halts the API process between reserving and publishing
 */
@ConfigurationProperties("flashsale.faults")
record FaultInjectionProperties(
        @DefaultValue("") String failSettlementOfUser, @DefaultValue("") String haltBeforePublishOfUser) {}
