package io.flashsale.bench.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The open loop of {@code bench/run.sh openloop}: buyers arrive at a fixed rate whatever the answers
 * (Gatling's open injection, {@code constantUsersPerSec}), each sends one purchase and leaves. A slow
 * answer does not delay the next arrival, so queueing in the server shows in the latencies instead of
 * slowing the load down (no coordinated omission). Connections are shared: a new one is opened only
 * when every open one has a request in flight.
 * <p>
 * Two phases in one JVM: {@code warmupSeconds} of {@code GET /actuator/info} at {@code warmupRate}
 * a second (the generator's own JIT; nothing logged; a quarter of the rate, so that the warm-up
 * leaves no backlog behind on a busy machine), then {@code seconds} of purchases of {@code itemId} by
 * buyers drawn from {@code buyers} ids. Every purchase is logged as the wrk script of the other
 * scenarios logs it ({@code <start, epoch µs> <latency µs> <status> <orderId | code | ->}, status 0
 * when no answer came) to {@code out}/requests-gatling.log, timed from the moment the buyer arrived.
 * <p>
 * System properties: baseUrl, itemId, rate (buyers per second), seconds, warmupSeconds, warmupRate, buyers,
 * buyerPrefix, out (directory).
 */
public class OpenLoopSimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final long ITEM_ID = Long.getLong("itemId", 1);
    private static final double RATE = Double.parseDouble(System.getProperty("rate", "100"));
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("warmupSeconds", 5);
    private static final double WARMUP_RATE = Double.parseDouble(System.getProperty("warmupRate", "25"));
    private static final int BUYERS = Integer.getInteger("buyers", 200_000);
    private static final String PREFIX = System.getProperty("buyerPrefix", "o");
    private static final String OUT = System.getProperty("out", ".");

    /** Epoch microseconds from the monotonic clock, to line up with the sampler's epoch milliseconds. */
    private static final long EPOCH_US_AT_NANO_ZERO = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;

    private final Queue<String> log = new ConcurrentLinkedQueue<>();

    private final Iterator<Map<String, Object>> buyers = Stream.generate(
            () -> Map.<String, Object>of("userId", PREFIX + ThreadLocalRandom.current().nextInt(BUYERS))).iterator();

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
            .acceptHeader("application/json")
            .shareConnections()
            .disableCaching()
            .disableUrlEncoding();

    private static long nowUs() {
        return EPOCH_US_AT_NANO_ZERO + System.nanoTime() / 1000;
    }

    private final ChainBuilder arrive = CoreDsl.exec(session -> session.set("arrivedUs", nowUs()));

    private final ScenarioBuilder warmup = scenario("warm-up (trivial endpoint)")
            .exec(http("trivial").get("/actuator/info"));

    private final ScenarioBuilder purchases = scenario("buyers arriving at a fixed rate")
            .feed(buyers)
            .exec(arrive)
            .exec(http("purchase").post("/api/v1/orders")
                    .header("Content-Type", "application/json")
                    .body(StringBody("{\"itemId\":" + ITEM_ID + ",\"userId\":\"#{userId}\",\"quantity\":1}"))
                    .check(status().saveAs("status"))
                    .check(jsonPath("$.orderId").optional().saveAs("orderId"))
                    .check(jsonPath("$.code").optional().saveAs("code")))
            .exec(this::record);

    private Session record(Session session) {
        long arrived = session.getLong("arrivedUs");
        long latency = nowUs() - arrived;
        int status = session.contains("status") ? session.getInt("status") : 0;
        String tag = status == 202 && session.contains("orderId") ? session.getString("orderId")
                : session.contains("code") ? session.getString("code") : "-";
        log.add(arrived + " " + latency + " " + status + " " + tag);
        return session;
    }

    {
        setUp(warmup.injectOpen(constantUsersPerSec(WARMUP_RATE).during(Duration.ofSeconds(WARMUP_SECONDS)))
                .andThen(purchases.injectOpen(constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS)))))
                .protocols(protocol)
                .maxDuration(Duration.ofSeconds(WARMUP_SECONDS + SECONDS + 120L));
    }

    @Override
    public void after() {
        List<String> lines = new ArrayList<>(log);
        try {
            Files.write(Path.of(OUT, "requests-gatling.log"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
