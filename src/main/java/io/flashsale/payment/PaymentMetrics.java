package io.flashsale.payment;

import io.flashsale.orders.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Payments by outcome, cancellations by reason, and units going back on sale, each counted by the
 * process whose write won (so the sum over processes counts each once). Every series is registered
 * at zero, so an alert on a rate sees 0 rather than nothing.
 */
@Component
class PaymentMetrics {

    /** What a payment request was answered. */
    enum PaymentOutcome {
        /** 200: the order is PAID now. */
        PAID,
        /** 200: the same payment again (the order is PAID with this reference). */
        REPEATED,
        /** 409 PAYMENT_WINDOW_CLOSED: too late; recorded for a refund. */
        WINDOW_CLOSED,
        /** 409 NOT_PAYABLE: not a CONFIRMED hold; recorded for a refund. */
        NOT_PAYABLE,
        /** 409 ALREADY_PAID: another reference of a PAID order; recorded for a refund. */
        ALREADY_PAID
    }

    private final Map<PaymentOutcome, Counter> payments = new EnumMap<>(PaymentOutcome.class);
    private final Map<FailureReason, Counter> cancellations = new EnumMap<>(FailureReason.class);
    private final Map<FailureReason, Counter> unitsReturned = new EnumMap<>(FailureReason.class);

    PaymentMetrics(MeterRegistry meters) {
        for (PaymentOutcome outcome : PaymentOutcome.values()) {
            payments.put(
                    outcome,
                    Counter.builder("flashsale.payments")
                            .description(
                                    "Payment requests by what they were answered; every refusal is a refund to make")
                            .tag("outcome", lower(outcome))
                            .register(meters));
        }
        for (FailureReason reason :
                new FailureReason[] {FailureReason.PAYMENT_TIMEOUT, FailureReason.BUYER_CANCELLED}) {
            cancellations.put(
                    reason,
                    Counter.builder("flashsale.cancellations")
                            .description("CONFIRMED orders cancelled, by reason (payment_timeout: the timeouts)")
                            .tag("reason", lower(reason))
                            .register(meters));
            unitsReturned.put(
                    reason,
                    Counter.builder("flashsale.units.returned")
                            .description("Units of cancelled orders put back in PostgreSQL's available, by reason")
                            .tag("reason", lower(reason))
                            .register(meters));
        }
    }

    void payment(PaymentOutcome outcome) {
        payments.get(outcome).increment();
    }

    void cancelled(FailureReason reason, int orders, int units) {
        cancellations.get(reason).increment(orders);
        unitsReturned.get(reason).increment(units);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
