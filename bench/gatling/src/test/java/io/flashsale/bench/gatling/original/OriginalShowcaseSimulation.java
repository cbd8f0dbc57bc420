package io.flashsale.bench.gatling.original;

import java.util.List;

/** The original's showcase script against the facade ({@link OriginalScript#showcase()}). */
public class OriginalShowcaseSimulation extends OriginalScriptSimulation {

    public OriginalShowcaseSimulation() {
        super(List.of(OriginalScript.showcase()));
    }
}
