package io.flashsale.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a run prints and leaves behind: the seed, the faults applied by kind, the answers by status,
 * the orders by outcome, the standing orders and refused payments, each violation with the requests involved, and the verdict line
 * {@code chaos: seed=N mode=M faults=K verdict=PASS|FAIL}; summary.json and violations.txt in the
 * run directory hold the same.
 */
record ChaosReport(
        ChaosSettings settings,
        Map<FaultKind, Integer> faults,
        List<String> faultErrors,
        Map<String, Integer> answers,
        Map<String, Long> outcomes,
        Map<String, Long> lifecycle,
        int unknownOutcomes,
        List<String> foundDead,
        String notQuiet,
        long quietWaitMs,
        List<Violation> violations) {

    private static final int SHOWN_PER_RULE = 15;

    boolean passed() {
        return violations.isEmpty();
    }

    int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    String verdictLine() {
        return "chaos: seed=" + settings.seed() + " mode=" + settings.mode() + " faults=" + faultCount() + " verdict="
                + (passed() ? "PASS" : "FAIL");
    }

    void print() {
        var out = System.out;
        out.println();
        out.printf(
                "chaos: seed=%d mode=%s seconds=%d apis=%d workers=%d redis=%s queues=%s%n",
                settings.seed(),
                settings.mode(),
                settings.seconds(),
                settings.apis(),
                settings.workers(),
                redisKind(),
                settings.quorum() ? "quorum" : "classic");
        out.println("replay: BENCH_SEED=" + settings.seed() + " with the same options (schedule in schedule.txt)");
        out.println("faults applied (" + faultCount() + "): " + faults);
        faultErrors.forEach(error -> out.println("  fault error: " + error));
        out.println("answers: " + answers);
        out.println("orders: " + outcomes);
        out.println("standing orders and refused payments: " + lifecycle);
        out.println("confirmed orders whose buyer got no answer at all (no promise covers them): " + unknownOutcomes);
        if (!foundDead.isEmpty()) {
            out.println("processes found dead when the faults were lifted (started again): " + foundDead);
        }
        out.println(
                notQuiet.isEmpty()
                        ? "quiet after " + quietWaitMs / 1000 + " s"
                        : "NOT quiet after " + quietWaitMs / 1000 + " s: " + notQuiet);
        Map<String, List<Violation>> byRule =
                violations.stream().collect(Collectors.groupingBy(Violation::rule, TreeMap::new, Collectors.toList()));
        out.println("violations: " + violations.size()
                + (byRule.isEmpty()
                        ? ""
                        : " "
                                + byRule.entrySet().stream()
                                        .map(entry -> entry.getKey() + "="
                                                + entry.getValue().size())
                                        .collect(Collectors.joining(" "))));
        byRule.forEach((rule, list) -> {
            list.stream().limit(SHOWN_PER_RULE).forEach(violation -> out.println("  " + violation));
            if (list.size() > SHOWN_PER_RULE) {
                out.println("  ... " + (list.size() - SHOWN_PER_RULE) + " more " + rule + " in violations.txt");
            }
        });
        out.println(verdictLine());
    }

    void write(Path runDir) throws IOException {
        Files.write(
                runDir.resolve("violations.txt"),
                violations.stream().map(Violation::toString).toList());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("settings", settings.toString());
        summary.put("seed", settings.seed());
        summary.put("mode", settings.mode());
        summary.put("faults", faults);
        summary.put("fault_errors", faultErrors);
        summary.put("answers", answers);
        summary.put("outcomes", outcomes);
        summary.put("lifecycle", lifecycle);
        summary.put("unknown_outcomes", unknownOutcomes);
        summary.put("found_dead", foundDead);
        summary.put("not_quiet", notQuiet);
        summary.put("quiet_wait_ms", quietWaitMs);
        summary.put("violations", violations);
        summary.put("verdict", passed() ? "PASS" : "FAIL");
        Files.writeString(
                runDir.resolve("summary.json"),
                AnswerLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }

    private String redisKind() {
        return settings.redisCluster() ? "cluster" : settings.sharedRedis() ? "shared" : "private";
    }
}
