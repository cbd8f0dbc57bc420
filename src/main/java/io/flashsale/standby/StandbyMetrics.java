package io.flashsale.standby;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Where returned units went (to buyers standing by, or back to anybody), standing orders served,
 * how long a returned unit took to reach a waiting buyer, and how many wait (polled by the
 * reconciler's leader; 0 elsewhere, so take the max across instances).
 */
@Component
class StandbyMetrics {

    private final Counter toStandby;
    private final Counter toSale;
    private final Counter served;
    private final Timer reofferLag;
    private final AtomicLong waiting = new AtomicLong();

    StandbyMetrics(MeterRegistry meters) {
        toStandby = reoffered(meters, "standby");
        toSale = reoffered(meters, "sale");
        served = Counter.builder("flashsale.standby.served")
                .description("Standing orders served with an order")
                .register(meters);
        reofferLag = Timer.builder("flashsale.standby.reoffer.lag")
                .description("From a unit's return (its order cancelled) to the waiting buyer it was offered to")
                .serviceLevelObjectives(
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30))
                .register(meters);
        Gauge.builder("flashsale.standby.waiting", waiting, AtomicLong::get)
                .description("Standing orders waiting, all items (measured by the reconciler's leader)")
                .register(meters);
    }

    void offered(int unitsReturned, int unitsToStandby) {
        toStandby.increment(unitsToStandby);
        toSale.increment(Math.max(0, unitsReturned - unitsToStandby));
    }

    void served(Duration sinceUnitReturned) {
        served.increment();
        if (sinceUnitReturned != null) {
            reofferLag.record(sinceUnitReturned);
        }
    }

    void waiting(long standingOrders) {
        waiting.set(standingOrders);
    }

    private static Counter reoffered(MeterRegistry meters, String to) {
        return Counter.builder("flashsale.units.reoffered")
                .description(
                        "Units of cancelled orders offered again by the gate: to buyers standing by, or to anybody")
                .tag("to", to)
                .register(meters);
    }
}
