package io.flashsale.bench.gatling.original;

/**
 * The original's scripts named by the system property {@code scripts} (comma list, default
 * {@code all}: showcase, duplicate, load, precheck, stress), one after the other.
 */
public class OriginalScriptsSimulation extends OriginalScriptSimulation {

    public OriginalScriptsSimulation() {
        super(OriginalScript.named(System.getProperty("scripts", "all")));
    }
}
