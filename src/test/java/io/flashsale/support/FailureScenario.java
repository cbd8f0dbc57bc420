package io.flashsale.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The application with the test-only fault switch on (orders of buyer {@value #DOOMED_BUYER} fail
 * settlement for good), short retry delays, and a reconciler that the test drives itself, so that
 * what happens between a fault and the repair can be observed deterministically.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@FlashSaleIntegrationTest
@ActiveProfiles("fault-injection")
@TestPropertySource(
        properties = {
            "flashsale.faults.fail-settlement-of-user=" + FailureScenario.DOOMED_BUYER,
            "flashsale.messaging.retry-delays=200ms,400ms,800ms",
            "flashsale.reconciler.interval=1h",
            "flashsale.reconciler.grace=1s"
        })
public @interface FailureScenario {

    String DOOMED_BUYER = "doomed";
}
