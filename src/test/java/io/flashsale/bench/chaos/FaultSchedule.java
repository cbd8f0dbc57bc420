package io.flashsale.bench.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The faults of a run, drawn up front from the seed alone, so that the same seed (with the same
 * options: they decide which kinds and targets exist) replays the same kinds, targets, times and
 * durations. Only the schedule is replayed: what the crowd sends and when the processes answer is
 * not, as in Jepsen.
 *
 * <p>Kinds are dealt from a shuffled deck, refilled and reshuffled when empty, rather than drawn
 * independently: a short run (the CI smoke) then still meets nearly every kind once.
 *
 * @param saleEndMs when the sale of the item named "ending" ends, after the crowd starts
 */
record FaultSchedule(long seed, List<Fault> faults, long saleEndMs) {

    /** The names of the sale items that item faults may target (see {@link SaleSetup}). */
    static final List<String> ITEMS = List.of("hot", "multi", "deep", "ending");

    static FaultSchedule draw(
            long seed, int seconds, long meanGapMs, List<String> processes, int redisNodes, Set<FaultKind> kinds) {
        var random = new Random(seed);
        long runMs = seconds * 1000L;
        long saleEndMs = (long) (runMs * (0.4 + 0.3 * random.nextDouble()));
        List<FaultKind> deck = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        // The first fault after 2 s: the crowd has some orders in flight by then.
        long at = 2_000 + random.nextLong(meanGapMs);
        // No fault starts in the last second: it would meet no request.
        while (at < runMs - 1_000 && !kinds.isEmpty()) {
            if (deck.isEmpty()) {
                deck.addAll(kinds.stream().sorted().toList());
                Collections.shuffle(deck, random);
            }
            FaultKind kind = deck.removeFirst();
            long duration = kind.maxMs == 0 ? 0 : kind.minMs + random.nextLong(kind.maxMs - kind.minMs + 1);
            long param = kind == FaultKind.BROKER_DELAY ? 100 + random.nextLong(2_400) : 0;
            String target =
                    switch (kind.target) {
                        case PROCESS -> processes.get(random.nextInt(processes.size()));
                        case ITEM -> ITEMS.get(random.nextInt(ITEMS.size()));
                        case REDIS_NODE -> Integer.toString(random.nextInt(redisNodes));
                        case NONE -> "-";
                    };
            faults.add(new Fault(faults.size() + 1, at, kind, target, duration, param));
            at += meanGapMs / 2 + random.nextLong(meanGapMs);
        }
        return new FaultSchedule(seed, List.copyOf(faults), saleEndMs);
    }

    /** The kinds a run uses, given what its options allow. */
    static Set<FaultKind> kindsFor(ChaosSettings settings, boolean redisCanRestart) {
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        if (!settings.brokerRestart()) {
            kinds.remove(FaultKind.BROKER_RESTART);
        }
        if (!redisCanRestart) {
            kinds.remove(FaultKind.REDIS_RESTART);
        }
        return kinds;
    }

    String describe() {
        var text = new StringBuilder("schedule of seed " + seed + ": " + faults.size()
                + " faults; the sale of item 'ending' ends at " + String.format("%.1fs", saleEndMs / 1000.0) + "\n");
        faults.forEach(fault -> text.append("  ").append(fault).append('\n'));
        return text.toString();
    }
}
