package io.flashsale.bench.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * This project's own API under a crowd without think time (it used to be called the showcase, but
 * it is not the original's: bench/showcase.sh replays that one): virtual users ramp to 100, hold,
 * ramp to 300, hold, ramp down; each iteration is one purchase on {@code POST /api/v1/orders} by a
 * buyer drawn at random, with no pause unless thinkMs is set; every answer must be 202, 409 or
 * 429, and p95 must stay under the threshold. Same stages and checks as bench/k6/api-crowd.js.
 * <p>
 * System properties: baseUrl, itemId, buyers (ids drawn from), p95Ms (threshold), timeScale
 * (multiplies every stage's duration; the smoke uses 0.05), thinkMs (pause between iterations),
 * acceptedFile (where the order ids answered 202 are written, for the invariants check).
 */
public class ApiCrowdSimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final long ITEM_ID = Long.getLong("itemId", 1);
    private static final int BUYERS = Integer.getInteger("buyers", 200_000);
    private static final int P95_MS = Integer.getInteger("p95Ms", 50);
    private static final double TIME_SCALE = Double.parseDouble(System.getProperty("timeScale", "1"));
    private static final long THINK_MS = Long.getLong("thinkMs", 0);
    private static final String ACCEPTED_FILE = System.getProperty("acceptedFile", "");

    private final Queue<String> accepted = new ConcurrentLinkedQueue<>();

    private final Iterator<Map<String, Object>> buyers = Stream.generate(
            () -> Map.<String, Object>of("userId", "g" + ThreadLocalRandom.current().nextInt(BUYERS))).iterator();

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
            .contentTypeHeader("application/json")
            .acceptHeader("application/json")
            // like k6's virtual users, keep connections across iterations
            .shareConnections();

    private final ScenarioBuilder purchase = scenario("flash sale buyers")
            .feed(buyers)
            .exec(http("purchase").post("/api/v1/orders")
                    .body(StringBody("{\"itemId\":" + ITEM_ID + ",\"userId\":\"#{userId}\",\"quantity\":1}"))
                    .check(status().in(202, 409, 429))
                    .check(jsonPath("$.orderId").optional().saveAs("orderId")))
            .exec(session -> {
                if (session.contains("orderId")) {
                    accepted.add(session.getString("orderId"));
                }
                return session.remove("orderId");
            })
            .pause(Duration.ofMillis(THINK_MS));

    {
        setUp(purchase.injectClosed(
                        rampConcurrentUsers(0).to(100).during(scaled(30)),
                        constantConcurrentUsers(100).during(scaled(60)),
                        rampConcurrentUsers(100).to(300).during(scaled(30)),
                        constantConcurrentUsers(300).during(scaled(60)),
                        rampConcurrentUsers(300).to(0).during(scaled(30))))
                .protocols(protocol)
                .assertions(
                        global().responseTime().percentile(95.0).lt(P95_MS),
                        global().successfulRequests().percent().gte(99.0));
    }

    @Override
    public void after() {
        if (!ACCEPTED_FILE.isEmpty()) {
            try {
                Files.write(Path.of(ACCEPTED_FILE), accepted);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Duration scaled(int seconds) {
        return Duration.ofMillis(Math.max(1000, Math.round(seconds * 1000 * TIME_SCALE)));
    }
}
