package io.flashsale.bench.gatling.original;

import java.util.List;

/** The original's load script against the facade ({@link OriginalScript#load()}). */
public class OriginalLoadSimulation extends OriginalScriptSimulation {

    public OriginalLoadSimulation() {
        super(List.of(OriginalScript.load()));
    }
}
