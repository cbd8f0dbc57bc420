package io.flashsale.admission;

import io.flashsale.shared.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The purchase path's meters (see docs/adr/0020). Every tag value a meter can take is registered
 * up front, so Prometheus sees a zero rather than a missing series, and a request only reads a
 * field: no registry look-up, no extra Redis or broker round trip. Tags are bounded by enums; no
 * user or order id is ever a tag.
 */
@Component
class AdmissionMetrics {

    /** What admission answered: admitted, replayed, or the refusal's error code in lower case. */
    static final String ADMITTED = "admitted";

    static final String REPLAYED = "replayed";
    /** Anything unexpected (a 500). */
    static final String ERROR = "error";

    private static final Duration[] LATENCY_BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000);

    private final MeterRegistry meters;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<OrderRequestedPublisher.Outcome, Timer> publishes =
            new EnumMap<>(OrderRequestedPublisher.Outcome.class);
    private final Timer gateReserve;
    private final Timer gateSync;
    private final Counter releasedAfterSettlement;
    private final Counter releasedOnWithdrawal;

    AdmissionMetrics(MeterRegistry meters) {
        this.meters = meters;
        register(ADMITTED);
        register(REPLAYED);
        register(ERROR);
        for (ErrorCode code : ErrorCode.values()) {
            register(outcomeOf(code));
        }
        for (OrderRequestedPublisher.Outcome outcome : OrderRequestedPublisher.Outcome.values()) {
            publishes.put(
                    outcome,
                    Timer.builder("flashsale.admission.publish.duration")
                            .description("Publishing an admitted order until the broker's confirm (or the timeout)")
                            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                            .serviceLevelObjectives(LATENCY_BUCKETS)
                            .register(meters));
        }
        gateReserve = gateTimer("reserve");
        gateSync = gateTimer("sync");
        releasedAfterSettlement = compensations("settlement");
        releasedOnWithdrawal = compensations("withdrawal");
    }

    static String outcomeOf(ErrorCode code) {
        return code.name().toLowerCase(Locale.ROOT);
    }

    /** One purchase request that reached admission, with what it was answered and how long it took. */
    void admission(String outcome, long startedNanos) {
        long elapsed = System.nanoTime() - startedNanos;
        requests.computeIfAbsent(outcome, this::requestCounter).increment();
        latencies.computeIfAbsent(outcome, this::latencyTimer).record(elapsed, TimeUnit.NANOSECONDS);
    }

    Timer gateReserve() {
        return gateReserve;
    }

    Timer gateSync() {
        return gateSync;
    }

    Timer publish(OrderRequestedPublisher.Outcome outcome) {
        return publishes.get(outcome);
    }

    /** Reservations given back because their order ended FAILED or EXPIRED. */
    void releasedAfterSettlement(int orders) {
        releasedAfterSettlement.increment(orders);
    }

    /** Reservations given back because the order could not be queued (the client got 503). */
    void releasedOnWithdrawal(int orders) {
        releasedOnWithdrawal.increment(orders);
    }

    private void register(String outcome) {
        requests.computeIfAbsent(outcome, this::requestCounter);
        latencies.computeIfAbsent(outcome, this::latencyTimer);
    }

    private Counter requestCounter(String outcome) {
        return Counter.builder("flashsale.admission.requests")
                .description("Purchase requests that reached admission, by what they were answered")
                .tag("outcome", outcome)
                .register(meters);
    }

    private Timer latencyTimer(String outcome) {
        return Timer.builder("flashsale.admission.duration")
                .description("Time to answer a purchase request, from admission to the answer")
                .tag("outcome", outcome)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(meters);
    }

    private Timer gateTimer(String operation) {
        return Timer.builder("flashsale.gate.duration")
                .description(
                        "Calls to the Redis gate's Lua scripts: reserve on the purchase path, sync after settlement")
                .tag("operation", operation)
                .serviceLevelObjectives(durations(1, 2, 5, 10, 25, 50, 100, 250, 1000))
                .register(meters);
    }

    private Counter compensations(String trigger) {
        return Counter.builder("flashsale.compensations")
                .description("Reservations given back to the gate, each exactly once")
                .tag("trigger", trigger)
                .register(meters);
    }

    private static Duration[] durations(long... millis) {
        Duration[] durations = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            durations[i] = Duration.ofMillis(millis[i]);
        }
        return durations;
    }
}
