package io.flashsale.bench.chaos;

/**
 * Does one fault from start to end: inflicts it, holds it for the fault's duration, lifts it.
 * Each runs in a virtual thread of its own, so faults of different kinds overlap as drawn.
 */
interface FaultHandler {

    void apply(Fault fault) throws Exception;

    /** Holds a fault for its duration; the end of the run waits for it rather than cutting it short. */
    static void hold(Fault fault) {
        AppMember.sleep(fault.durationMs());
    }
}
