package io.flashsale.bench.chaos;

/**
 * One fault of the schedule: at {@code atMs} after the crowd starts, {@code kind} on {@code target}
 * (a process label, an item name, a Redis node index, or "-") for {@code durationMs}; {@code param}
 * is the delay of a BROKER_DELAY, 0 otherwise.
 */
record Fault(int number, long atMs, FaultKind kind, String target, long durationMs, long param) {

    @Override
    public String toString() {
        return String.format(
                "#%d at %6.1fs %-15s %-12s %s",
                number,
                atMs / 1000.0,
                kind,
                target,
                (durationMs > 0 ? "for " + durationMs + " ms" : "") + (param > 0 ? ", delay " + param + " ms" : ""));
    }
}
