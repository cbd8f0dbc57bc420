package io.flashsale.bench.gatling.original;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One of the original system's k6 load scripts, as the README's section "For users of the original
 * system" states it: who buys, the ramp of virtual users, the think time, the named checks and
 * the thresholds. k6's {@code __VU} (from 1) and {@code __ITER} (from 0,
 * per virtual user) are what {@link Buyers} sees.
 *
 * @param thinkMinMs      pause after each request, at least
 * @param thinkMaxMs      pause after each request, at most (uniformly drawn)
 * @param userHeader      whether the request also carries the buyer as {@code X-User-ID}
 * @param p95Ms           threshold on the 95th percentile of request duration, or 0 for none
 * @param failedBelowPct  threshold on failed requests (HTTP 400 and above, or no answer), or 0 for none
 */
public record OriginalScript(String name, List<Stage> stages, int thinkMinMs, int thinkMaxMs, Buyers buyers,
                             String product, boolean userHeader, List<Check> checks, int p95Ms, double failedBelowPct) {

    /** k6 ramping-VUs stage: from the previous target to {@code target} in {@code seconds}. */
    public record Stage(int seconds, int target) {
    }

    /** k6's buyer for iteration {@code iter} of virtual user {@code vu}. */
    public interface Buyers {
        String userId(int vu, long iter);
    }

    /** A k6 check: its name and what it tests of the answer (HTTP status, body). */
    public record Check(String name, Test test) {
        public interface Test {
            boolean passes(int status, String body);
        }
    }

    static final Check ACCEPTED = new Check("accepted (200)", (status, body) -> status == 200);

    /** The showcase's mix: a new buyer each iteration, every 7th the VU's repeat buyer, every 50th force-fail. */
    static String showcaseBuyer(int vu, long iter) {
        if (iter % 50 == 0) {
            return "force-fail";
        }
        return iter % 7 == 0 ? "user-" + vu + "-fixed" : "user-" + vu + "-" + iter;
    }

    /** multi_worker, the published showcase. */
    public static OriginalScript showcase() {
        return new OriginalScript("showcase", stages(5, 100, 20, 300, 10, 0), 50, 50, OriginalScript::showcaseBuyer, "1001",
                false, List.of(ACCEPTED,
                new Check("already purchased (409)", (status, body) -> status == 409),
                new Check("out of stock (409)", (status, body) -> status == 409),
                new Check("rate limited (429)", (status, body) -> status == 429)), 300, 10);
    }

    /** The duplicate and force-fail test. */
    public static OriginalScript duplicate() {
        return new OriginalScript("duplicate", stages(5, 50, 20, 200, 10, 0), 50, 100, OriginalScript::showcaseBuyer, "1001",
                false, List.of(new Check("status is 200, 409 or 429", (status, body) -> status == 200 || status == 409 || status == 429),
                ACCEPTED,
                new Check("already purchased (409, USER_ALREADY_PURCHASED)",
                        (status, body) -> status == 409 && body.contains("USER_ALREADY_PURCHASED"))), 300, 15);
    }

    /** The load test: every 10th virtual user is force-fail. */
    public static OriginalScript load() {
        return new OriginalScript("load", stages(5, 50, 20, 200, 10, 0), 100, 100,
                (vu, iter) -> vu % 10 == 0 ? "force-fail" : "user-" + vu + "-" + iter, "1001", false, List.of(ACCEPTED), 300, 1);
    }

    /** The precheck script: random numeric buyers, product "p1", 50 virtual users for 10 s. */
    public static OriginalScript precheck() {
        return new OriginalScript("precheck", List.of(new Stage(0, 50), new Stage(10, 50)), 100, 100,
                (vu, iter) -> Integer.toString(ThreadLocalRandom.current().nextInt(1, 1_000_000)), "p1", false,
                List.of(new Check("status is 200", (status, body) -> status == 200)), 0, 0);
    }

    /** The stress script: random user_n buyers, also sent as X-User-ID, no think time, no checks. */
    public static OriginalScript stress() {
        return new OriginalScript("stress", stages(5, 200, 15, 200, 5, 0), 0, 0,
                (vu, iter) -> "user_" + ThreadLocalRandom.current().nextInt(1_000_000), "1001", true, List.of(), 0, 0);
    }

    /** The scripts named in a comma list, or all five for "all". */
    public static List<OriginalScript> named(String names) {
        List<OriginalScript> all = List.of(showcase(), duplicate(), load(), precheck(), stress());
        if (names.equals("all")) {
            return all;
        }
        List<String> wanted = Arrays.asList(names.split(","));
        List<OriginalScript> chosen = all.stream().filter(script -> wanted.contains(script.name())).toList();
        if (chosen.size() != wanted.size()) {
            throw new IllegalArgumentException("Unknown script in '" + names + "'; known: showcase, duplicate, load, precheck, stress");
        }
        return chosen;
    }

    private static List<Stage> stages(int... secondsAndTargets) {
        Stage[] stages = new Stage[secondsAndTargets.length / 2];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = new Stage(secondsAndTargets[2 * i], secondsAndTargets[2 * i + 1]);
        }
        return List.of(stages);
    }
}
