package io.flashsale.bench.gatling;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
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
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The open loop of {@code bench/run.sh openloop}: buyers arrive at a fixed rate whatever the answers
 * (Gatling's open injection, {@code constantUsersPerSec}), each sends one purchase and leaves. A slow
 * answer does not delay the next arrival, so queueing in the server shows in the latencies instead of
 * slowing the load down (no coordinated omission). Connections are shared: a new one is opened only
 * when every open one has a request in flight.
 * <p>
 * Three phases in one JVM: {@code warmupSeconds} of purchases of {@code warmupItemId}, ramping up
 * from a quarter of {@code warmupRate} a second to all of it over the first half (the generator's own
 * JIT and its pool of connections, on the request the measured phase sends; the harness gives the
 * measured rate), {@code pauseSeconds} of nothing
 * (the warm-up's orders settle), then {@code seconds} of purchases of {@code itemId} by buyers drawn
 * from {@code buyers} ids (the warm-up's buyers are named apart). Every purchase is logged as the wrk
 * script of the other scenarios logs it ({@code <start, epoch µs> <latency µs> <status> <orderId |
 * code | ->}, status 0 when no answer came), timed from the moment the buyer arrived: the measured
 * phase to {@code out}/requests-gatling.log, the warm-up to {@code out}/warmup/requests-gatling.log; the
 * empty file {@code out}/started appears as the warm-up starts, {@code out}/measuring as the first
 * measured buyer arrives.
 * <p>
 * Both phases send the request named {@code purchase}, so Gatling's own console figures count them
 * together; the harness reads only the two logs above.
 * <p>
 * System properties: baseUrl, itemId, warmupItemId, rate (buyers per second), seconds, warmupSeconds,
 * warmupRate, pauseSeconds, buyers, buyerPrefix, out (directory).
 */
public class OpenLoopSimulation extends Simulation {

    private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
    private static final long ITEM_ID = Long.getLong("itemId", 1);
    private static final double RATE = Double.parseDouble(System.getProperty("rate", "100"));
    private static final int SECONDS = Integer.getInteger("seconds", 10);
    private static final long WARMUP_ITEM_ID = Long.getLong("warmupItemId", ITEM_ID);
    private static final int WARMUP_SECONDS = Integer.getInteger("warmupSeconds", 5);
    private static final int PAUSE_SECONDS = Integer.getInteger("pauseSeconds", 3);
    private static final double WARMUP_RATE = Double.parseDouble(System.getProperty("warmupRate", "25"));
    private static final int BUYERS = Integer.getInteger("buyers", 200_000);
    private static final String PREFIX = System.getProperty("buyerPrefix", "o");
    private static final String OUT = System.getProperty("out", ".");

    /** The longest the JVM stays after the load for the harness's CPU reading (see {@link #after()}). */
    private static final Duration CPU_READING_WAIT = Duration.ofSeconds(30);

    /** Epoch microseconds from the monotonic clock, to line up with the sampler's epoch milliseconds. */
    private static final long EPOCH_US_AT_NANO_ZERO = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;

    /**
     * What differs between the warm-up and the measured phase: the item, the log and the file the
     * phase's first arrival writes (null for the warm-up). Each buyer's session carries its phase,
     * so that both phases run the same chain of the same classes: with a chain of its own, the
     * measured phase's first arrivals met code compiled for the warm-up's classes alone, and the
     * generator deoptimised a dozen of its methods (its feeder, its session hooks) in the first
     * half second of the window (docs/adr/0070).
     */
    private record Phase(long itemId, Queue<String> log, AtomicBoolean arrived, String marker) {

        Phase(long itemId, String marker) {
            this(itemId, new ConcurrentLinkedQueue<>(), new AtomicBoolean(), marker);
        }
    }

    private final Phase warmupPhase = new Phase(WARMUP_ITEM_ID, null);
    private final Phase measuredPhase = new Phase(ITEM_ID, "measuring");

    /** The warm-up's buyers are others than the measured phase's, so no per-buyer state carries over. */
    private final Iterator<Map<String, Object>> warmupBuyers = buyersNamed(PREFIX + "w", warmupPhase);

    private final Iterator<Map<String, Object>> buyers = buyersNamed(PREFIX, measuredPhase);

    private static Iterator<Map<String, Object>> buyersNamed(String prefix, Phase phase) {
        return Stream.generate(() -> Map.<String, Object>of(
                        "userId", prefix + ThreadLocalRandom.current().nextInt(BUYERS),
                        "itemId", phase.itemId(),
                        "phase", phase))
                .iterator();
    }

    private final HttpProtocolBuilder protocol = http.baseUrl(BASE_URL)
            .acceptHeader("application/json")
            .shareConnections()
            .disableCaching()
            .disableUrlEncoding();

    private static long nowUs() {
        return EPOCH_US_AT_NANO_ZERO + System.nanoTime() / 1000;
    }

    /**
     * Stamps the arrival; the phase's first buyer writes its marker ({@code out}/measuring: the
     * harness's window starts there).
     */
    private final ChainBuilder arrive = CoreDsl.exec(session -> {
        long arrived = nowUs();
        Phase phase = session.get("phase");
        if (phase.arrived().compareAndSet(false, true) && phase.marker() != null) {
            touch(phase.marker());
        }
        return session.set("arrivedUs", arrived);
    });

    /** One buyer: arrives, sends one purchase, logs its answer in its phase's log. */
    private final ChainBuilder buyer = CoreDsl.exec(arrive)
            .exec(purchase())
            .exec(session -> record(session, session.<Phase>get("phase").log()));

    private final ScenarioBuilder warmup =
            scenario("warm-up (purchases of the warm-up item)").feed(warmupBuyers).exec(buyer);

    private final ScenarioBuilder purchases =
            scenario("buyers arriving at a fixed rate").feed(buyers).exec(buyer);

    private static ChainBuilder purchase() {
        return CoreDsl.exec(http("purchase")
                .post("/api/v1/orders")
                .header("Content-Type", "application/json")
                .body(StringBody("{\"itemId\":#{itemId},\"userId\":\"#{userId}\",\"quantity\":1}"))
                .check(status().saveAs("status"))
                .check(jsonPath("$.orderId").optional().saveAs("orderId"))
                .check(jsonPath("$.code").optional().saveAs("code")));
    }

    private static Session record(Session session, Queue<String> log) {
        long arrived = session.getLong("arrivedUs");
        long latency = nowUs() - arrived;
        int status = session.contains("status") ? session.getInt("status") : 0;
        String tag = status == 202 && session.contains("orderId") ? session.getString("orderId")
                : session.contains("code") ? session.getString("code") : "-";
        log.add(arrived + " " + latency + " " + status + " " + tag);
        return session;
    }

    {
        // The warm-up ramps up over its first half: a cold step to the full rate once made the app's
        // heap fill with connections the generator opened while the first answers were slow (ADR 0052).
        Duration half = Duration.ofMillis(WARMUP_SECONDS * 500L);
        setUp(warmup.injectOpen(
                                rampUsersPerSec(Math.max(1, WARMUP_RATE / 4)).to(WARMUP_RATE).during(half),
                                constantUsersPerSec(WARMUP_RATE).during(half))
                .andThen(purchases.injectOpen(
                        nothingFor(Duration.ofSeconds(PAUSE_SECONDS)),
                        constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS)))))
                .protocols(protocol)
                .maxDuration(Duration.ofSeconds(WARMUP_SECONDS + PAUSE_SECONDS + SECONDS + 120L));
    }

    /**
     * Marks the moment the injection starts, {@code out}/started (empty), so that the harness can time
     * the end of the warm-up from there rather than from the JVM's start, which takes seconds.
     */
    @Override
    public void before() {
        touch("started");
    }

    private static void touch(String name) {
        try {
            Files.createDirectories(Path.of(OUT));
            Files.write(Path.of(OUT, name), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the request logs, then stays until the harness has read the CPU of every process
     * ({@code out}/cpu-taken, at most {@link #CPU_READING_WAIT}): a generator gone before that reading
     * is missing from the report's CPU by part, its time counted as no process's.
     */
    @Override
    public void after() {
        try {
            Files.write(Path.of(OUT, "requests-gatling.log"), new ArrayList<>(measuredPhase.log()));
            Path warmupOut = Files.createDirectories(Path.of(OUT, "warmup"));
            Files.write(warmupOut.resolve("requests-gatling.log"), new ArrayList<>(warmupPhase.log()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitCpuReading();
    }

    private static void awaitCpuReading() {
        long deadline = System.nanoTime() + CPU_READING_WAIT.toNanos();
        while (!Files.exists(Path.of(OUT, "cpu-taken")) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
