package io.flashsale.bench.gatling.original;

import java.util.List;

/** The original's duplicate script against the facade ({@link OriginalScript#duplicate()}). */
public class OriginalDuplicateSimulation extends OriginalScriptSimulation {

    public OriginalDuplicateSimulation() {
        super(List.of(OriginalScript.duplicate()));
    }
}
