package io.flashsale.shared;

/**
 * Test-only fault switches, for the fault-injection tests that must make one order fail or one
 * process die at an exact point. The only implementation that does anything exists under the
 * {@code fault-injection} Spring profile; every normal run gets {@link #NONE}.
 */
public interface FaultInjection {

    FaultInjection NONE = new FaultInjection() {};

    /** Called by a worker for each order it is about to settle. */
    default void beforeSettling(OrderRequested order) {}

    /**
     * The buyer a purchase through the compatibility facade is admitted as. Under the profile, the
     * original system's test buyer {@value #ORIGINAL_TEST_BUYER} becomes a buyer of its own for
     * each order ({@code force-fail:<random UUID>}), so that, as there, every order of it is
     * admitted and then fails settlement.
     */
    default String admittedBuyer(String buyer) {
        return buyer;
    }

    /** The original system's test buyer, whose every order fails settlement (fault-injection profile only). */
    String ORIGINAL_TEST_BUYER = "force-fail";

    /** Called by the API after the gate reserved and before the order is published. */
    default void beforePublishing(OrderRequested order) {}
}
