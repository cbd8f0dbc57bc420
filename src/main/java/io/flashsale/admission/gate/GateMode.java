package io.flashsale.admission.gate;

/** How the gate admits: see docs/adr/0002. */
public enum GateMode {
    /** The gate takes tokens and records a pending reservation; the queue holds about the stock. */
    RESERVE("reserve"),
    /** The gate only checks; Redis follows the database after each commit (the original design). */
    CHECK_ONLY("check-only");

    private final String scriptArgument;

    GateMode(String scriptArgument) {
        this.scriptArgument = scriptArgument;
    }

    String scriptArgument() {
        return scriptArgument;
    }
}
