package io.flashsale.support;

import java.time.Duration;
import java.time.Instant;

/**
 * Prints how long a recovery took, for the failure model in the README. Printed, never asserted:
 * these machines are noisy and a timed assertion would only make the suite flaky.
 */
public final class RecoveryTimes {

    private RecoveryTimes() {}

    public static void report(String scenario, Instant faultEnded) {
        System.out.printf(
                "[recovery-time] %s: %d ms%n",
                scenario, Duration.between(faultEnded, Instant.now()).toMillis());
    }
}
