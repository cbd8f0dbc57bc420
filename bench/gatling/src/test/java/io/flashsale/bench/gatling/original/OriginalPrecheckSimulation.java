package io.flashsale.bench.gatling.original;

import java.util.List;

/** The original's precheck script against the facade ({@link OriginalScript#precheck()}). */
public class OriginalPrecheckSimulation extends OriginalScriptSimulation {

    public OriginalPrecheckSimulation() {
        super(List.of(OriginalScript.precheck()));
    }
}
