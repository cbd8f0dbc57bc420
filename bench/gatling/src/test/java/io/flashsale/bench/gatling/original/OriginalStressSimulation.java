package io.flashsale.bench.gatling.original;

import java.util.List;

/** The original's stress script against the facade ({@link OriginalScript#stress()}). */
public class OriginalStressSimulation extends OriginalScriptSimulation {

    public OriginalStressSimulation() {
        super(List.of(OriginalScript.stress()));
    }
}
