package io.flashsale.config;

import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.OrderRequested;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Normal runs get no faults. Only with the {@code fault-injection} profile active (tests do this
 * explicitly) can orders of chosen buyers fail settlement for good, or halt the API process
 * between reserving and publishing, as if it had crashed there. The original system's test buyer
 * {@code force-fail} is one of the former whenever the profile is on: through the compatibility
 * facade each of its orders is admitted as a buyer of its own, and fails settlement.
 */
@Configuration(proxyBeanMethods = false)
class FaultInjectionConfiguration {

    private static final Logger log = LoggerFactory.getLogger(FaultInjectionConfiguration.class);

    @Bean
    @Profile("!fault-injection")
    FaultInjection noFaults() {
        return FaultInjection.NONE;
    }

    @Bean
    @Profile("fault-injection")
    FaultInjection configuredFaults(FaultInjectionProperties settings) {
        String failSettlementOf = settings.failSettlementOfUser();
        String haltBeforePublishOf = settings.haltBeforePublishOfUser();
        log.warn(
                "FAULT INJECTION IS ON: settlement fails for user '{}' and the facade's '{}', the API halts before "
                        + "publishing for user '{}'",
                failSettlementOf,
                FaultInjection.ORIGINAL_TEST_BUYER,
                haltBeforePublishOf);
        return new FaultInjection() {
            @Override
            public void beforeSettling(OrderRequested order) {
                if (order.userId().equals(failSettlementOf)
                        || order.userId().startsWith(FaultInjection.ORIGINAL_TEST_BUYER + ":")) {
                    throw new IllegalStateException("Injected settlement failure for order " + order.orderId());
                }
            }

            @Override
            public String admittedBuyer(String buyer) {
                return buyer.equals(FaultInjection.ORIGINAL_TEST_BUYER)
                        ? FaultInjection.ORIGINAL_TEST_BUYER + ":" + UUID.randomUUID()
                        : buyer;
            }

            @Override
            public void beforePublishing(OrderRequested order) {
                if (order.userId().equals(haltBeforePublishOf)) {
                    log.warn("Injected crash between reserve and publish of order {}", order.orderId());
                    Runtime.getRuntime().halt(137);
                }
            }
        };
    }
}
