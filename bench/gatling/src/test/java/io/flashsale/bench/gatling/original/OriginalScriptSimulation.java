package io.flashsale.bench.gatling.original;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ClosedInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replays original k6 scripts against the compatibility facade, one after the other, unchanged but
 * for the base URL: each request is {@code POST /flashsale/precheck} with a JSON body of strings.
 * Like k6's {@code http_req_failed}, a request fails on no answer or HTTP 400 and above; k6's named
 * checks do not fail a request, so they are counted apart ({@link ScriptOutcomes}) and printed as
 * k6 prints them. Thresholds become Gatling assertions on each script's requests.
 * <p>
 * System properties: baseUrl, timeScale (multiplies every stage, each at least 1 s), product
 * (overrides every script's product id), enforceLatency (false: the p95 thresholds are reported,
 * not asserted), outDir (where each script's outcomes and queued orders are written).
 */
public abstract class OriginalScriptSimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final double TIME_SCALE = Double.parseDouble(System.getProperty("timeScale", "1"));
    private static final boolean ENFORCE_LATENCY = Boolean.parseBoolean(System.getProperty("enforceLatency", "true"));
    private static final String OUT_DIR = System.getProperty("outDir", "");
    /** Beyond the stages: time for the last users' answers (the facade's timeout is 10 s) and their think time. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final List<ScriptOutcomes> outcomes = new ArrayList<>();

    protected OriginalScriptSimulation(List<OriginalScript> scripts) {
        PopulationBuilder chain = null;
        List<Assertion> assertions = new ArrayList<>();
        Duration stages = Duration.ZERO;
        for (OriginalScript script : scripts) {
            var outcome = new ScriptOutcomes(script);
            outcomes.add(outcome);
            PopulationBuilder population = replay(script, outcome).injectClosed(injection(script));
            chain = chain == null ? population : chain.andThen(population);
            stages = stages.plus(duration(script));
            String request = requestName(script);
            if (script.p95Ms() > 0 && ENFORCE_LATENCY) {
                assertions.add(details(request).responseTime().percentile(95.0).lt(script.p95Ms()));
            }
            if (script.failedBelowPct() > 0) {
                assertions.add(details(request).failedRequests().percent().lt(script.failedBelowPct()));
            }
        }
        // A bound on the whole run, so that a chain that stops between two populations (seen: no
        // user active and the next population never started) ends instead of hanging; the script
        // cut short then misses its outcomes, which a caller sees.
        setUp(chain)
                .protocols(http.baseUrl(BASE_URL).shareConnections())
                .assertions(assertions)
                .maxDuration(stages.plus(GRACE));
    }

    private static Duration duration(OriginalScript script) {
        return script.stages().stream()
                .filter(stage -> stage.seconds() > 0)
                .map(OriginalScriptSimulation::scaled)
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** A stage's length times {@code timeScale}, at least 1 s. */
    private static Duration scaled(OriginalScript.Stage stage) {
        return Duration.ofMillis(Math.max(1000, Math.round(stage.seconds() * 1000 * TIME_SCALE)));
    }

    private static ScenarioBuilder replay(OriginalScript script, ScriptOutcomes outcome) {
        String product = System.getProperty("product", script.product());
        HttpRequestActionBuilder precheck = http(requestName(script)).post("/flashsale/precheck")
                .header("Content-Type", "application/json")
                .body(StringBody(session -> "{\"user_id\":\"" + session.getString("userId") + "\",\"product_id\":\""
                        + product + "\"}"))
                // the saves first: Gatling stops at a check that fails
                .check(status().saveAs("status"), bodyString().saveAs("body"), responseTimeInMillis().saveAs("ms"),
                        status().lt(400));
        if (script.userHeader()) {
            precheck = precheck.header("X-User-ID", "#{userId}");
        }
        return scenario(script.name())
                .exec(session -> {
                    int vu = outcome.startIteration();
                    return session.set("vu", vu).set("userId", script.buyers().userId(vu, outcome.iteration(vu)));
                })
                .exec(precheck)
                .exec(session -> {
                    outcome.record(session.getString("userId"), session.contains("status") ? session.getInt("status") : 0,
                            session.contains("body") ? session.getString("body") : "",
                            session.contains("ms") ? session.getInt("ms") : -1);
                    return session;
                })
                .pause(session -> Duration.ofMillis(script.thinkMinMs() == script.thinkMaxMs() ? script.thinkMinMs()
                        : ThreadLocalRandom.current().nextInt(script.thinkMinMs(), script.thinkMaxMs() + 1)))
                .exec(session -> {
                    outcome.endIteration(session.getInt("vu"));
                    return session;
                });
    }

    private static ClosedInjectionStep[] injection(OriginalScript script) {
        List<ClosedInjectionStep> steps = new ArrayList<>();
        int users = 0;
        for (OriginalScript.Stage stage : script.stages()) {
            if (stage.seconds() > 0) {
                Duration during = scaled(stage);
                steps.add(users == stage.target() ? constantConcurrentUsers(users).during(during)
                        : rampConcurrentUsers(users).to(stage.target()).during(during));
            }
            users = stage.target();
        }
        return steps.toArray(ClosedInjectionStep[]::new);
    }

    private static String requestName(OriginalScript script) {
        return script.name() + ": POST /flashsale/precheck";
    }

    @Override
    public void after() {
        outcomes.forEach(outcome -> outcome.report(OUT_DIR));
    }
}
