package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flashsale.admission.edge.PurchaseRateLimits.Refusal;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The token buckets, without Spring. A bucket refills while the test runs, so a test counts the
 * requests let through before the first refusal and never asks for an exact number.
 */
class PurchaseRateLimitsTest {

    static RateLimitProperties limits(
            boolean enabled,
            int buyerPerSecond,
            int buyerBurst,
            int addressPerSecond,
            int addressBurst,
            int globalPerSecond,
            int globalBurst) {
        return new RateLimitProperties(
                enabled,
                buyerPerSecond,
                buyerBurst,
                addressPerSecond,
                addressBurst,
                globalPerSecond,
                globalBurst,
                1_000);
    }

    @Test
    void aBuyerGetsTheBurstThenA429WithRetryAfterAndTheDraftHeaders() {
        var rateLimits = new PurchaseRateLimits(limits(true, 1, 3, 0, 0, 0, 0));
        int admitted = 0;
        ApiException refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            try {
                rateLimits.checkBuyer("alice");
                admitted++;
            } catch (ApiException e) {
                refused = e;
            }
        }
        assertThat(refused).as("refused within 50 requests at 1 a second").isNotNull();
        assertThat(admitted).as("the burst is let through first").isGreaterThanOrEqualTo(3);
        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(refused.headers())
                .containsEntry("Retry-After", "1")
                .containsEntry("RateLimit-Policy", "\"buyer\";q=1;w=1")
                .containsEntry("RateLimit", "\"buyer\";r=0;t=1");
    }

    @Test
    void eachBuyerHasABucketOfTheirOwn() {
        var rateLimits = new PurchaseRateLimits(limits(true, 1, 1, 0, 0, 0, 0));
        drainBuyer(rateLimits, "alice");
        assertThatCode(() -> rateLimits.checkBuyer("bob")).doesNotThrowAnyException();
    }

    @Test
    void theAddressIsCheckedBeforeTheInstanceSoOneClientCannotDrainIt() {
        var rateLimits = new PurchaseRateLimits(limits(true, 0, 0, 1, 1, 1, 2));
        Optional<Refusal> refusal = Optional.empty();
        for (int i = 0; i < 50 && refusal.isEmpty(); i++) {
            refusal = rateLimits.checkClient("10.0.0.1");
        }
        assertThat(refusal).map(Refusal::policy).contains("address");
        assertThat(rateLimits.checkClient("10.0.0.2"))
                .as("another client still finds the instance's bucket")
                .isEmpty();
    }

    @Test
    void theInstanceLimitsAllClientsTogether() {
        var rateLimits = new PurchaseRateLimits(limits(true, 0, 0, 0, 0, 1, 1));
        Optional<Refusal> refusal = Optional.empty();
        for (int i = 0; i < 50 && refusal.isEmpty(); i++) {
            refusal = rateLimits.checkClient("10.0.0." + i);
        }
        assertThat(refusal).map(Refusal::policy).contains("instance");
        assertThat(refusal.orElseThrow().headers()).containsEntry("RateLimit-Policy", "\"instance\";q=1;w=1");
    }

    @Test
    void aRateOfZeroOrDisabledLimitsLetEverythingThrough() {
        var off = new PurchaseRateLimits(limits(false, 1, 1, 1, 1, 1, 1));
        var zero = new PurchaseRateLimits(limits(true, 0, 0, 0, 0, 0, 0));
        for (int i = 0; i < 20; i++) {
            off.checkBuyer("alice");
            zero.checkBuyer("alice");
            assertThat(off.checkClient("10.0.0.1")).isEmpty();
            assertThat(zero.checkClient("10.0.0.1")).isEmpty();
        }
    }

    private static void drainBuyer(PurchaseRateLimits rateLimits, String buyer) {
        ApiException refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            refused = catchThrowableOfType(ApiException.class, () -> rateLimits.checkBuyer(buyer));
        }
        assertThat(refused).isNotNull();
    }
}
