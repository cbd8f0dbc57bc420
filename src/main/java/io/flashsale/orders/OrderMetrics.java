package io.flashsale.orders;

import io.flashsale.shared.OrderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Counts orders whose final row this process wrote, by status, reason and writer. Only rows a
 * writer actually won are counted (first writer wins, see {@link OrderBook}), and only once they
 * are committed, so the sum over all processes is the number of settled orders.
 */
@Component
public class OrderMetrics {

    /** Who wrote the row, with the outcomes it can write (registered up front, at zero). */
    public enum Settler {
        WORKER(
                new Outcome(OrderStatus.CONFIRMED, null),
                new Outcome(OrderStatus.FAILED, FailureReason.SOLD_OUT),
                new Outcome(OrderStatus.FAILED, FailureReason.LIMIT_EXCEEDED),
                new Outcome(OrderStatus.EXPIRED, FailureReason.RESERVATION_EXPIRED)),
        DLQ(new Outcome(OrderStatus.FAILED, FailureReason.SETTLEMENT_FAILED)),
        RECONCILER(new Outcome(OrderStatus.EXPIRED, FailureReason.RESERVATION_EXPIRED)),
        API(new Outcome(OrderStatus.FAILED, FailureReason.PUBLISH_UNCONFIRMED));

        private final List<Outcome> outcomes;

        Settler(Outcome... outcomes) {
            this.outcomes = List.of(outcomes);
        }
    }

    private record Outcome(OrderStatus status, FailureReason reason) {}

    private record Key(Settler settler, OrderStatus status, FailureReason reason) {}

    private final MeterRegistry meters;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    OrderMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (Settler settler : Settler.values()) {
            settler.outcomes.forEach(outcome -> counter(new Key(settler, outcome.status(), outcome.reason())));
        }
    }

    public void settled(Settler settler, Collection<SettledOrder> written) {
        for (SettledOrder order : written) {
            counter(new Key(settler, order.status(), order.reason())).increment();
        }
    }

    private Counter counter(Key key) {
        return counters.computeIfAbsent(key, k -> Counter.builder("flashsale.orders.settled")
                .description("Orders given their final row in PostgreSQL by this process")
                .tag("status", k.status().name().toLowerCase(Locale.ROOT))
                .tag("reason", k.reason() == null ? "none" : k.reason().name().toLowerCase(Locale.ROOT))
                .tag("settler", k.settler().name().toLowerCase(Locale.ROOT))
                .register(meters));
    }
}
