package io.flashsale.shared;

/**
 * Test-only fault switches, for the fault-injection tests that must make one order fail or one
 * process die at an exact point. The only implementation that does anything exists under the
 * {@code fault-injection} Spring profile; every normal run gets {@link #NONE}.
 */
public interface FaultInjection {

    FaultInjection NONE = new FaultInjection() {
    };

    /** Called by a worker for each order it is about to settle. */
    default void beforeSettling(OrderRequested order) {
    }

    /** Called by the API after the gate reserved and before the order is published. */
    default void beforePublishing(OrderRequested order) {
    }
}
