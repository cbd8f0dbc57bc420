package io.flashsale.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.bench.chaos.LifecyclePromises.Order;
import io.flashsale.bench.chaos.LifecyclePromises.Standing;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The lifecycle promises the chaos harness checks, on answer logs written by hand. */
class LifecyclePromisesTest {

    private static final UUID ORDER = UUID.fromString("01a20fc9-4a33-70c4-b911-610d5bd07241");
    private static final UUID STANDBY = UUID.fromString("6f1c2a47-93d4-4b8e-a7a4-0c58e2f11d9b");

    @Test
    void aPaymentAnswered200MustHavePaidTheOrderWithItsReference() {
        var paid = new Order("PAID", null, "psp-1");
        assertThat(rules(List.of(pay(1, "psp-1", 200, null, 0, 10)), paid)).isEmpty();
        assertThat(rules(List.of(pay(1, "psp-2", 200, null, 0, 10)), paid)).containsExactly("L1");
        assertThat(rules(List.of(pay(1, "psp-1", 200, null, 0, 10)), new Order("CANCELLED", "PAYMENT_TIMEOUT", null)))
                .containsExactly("L1");
    }

    @Test
    void aPaymentAnswered409PaidNothingUnlessAnotherWithTheSameReferenceMayHave() {
        var paid = new Order("PAID", null, "psp-1");
        assertThat(rules(List.of(pay(1, "psp-1", 409, "PAYMENT_WINDOW_CLOSED", 0, 10)), paid))
                .containsExactly("L2");
        assertThat(rules(
                        List.of(pay(1, "psp-1", 409, "NOT_PAYABLE", 0, 10), pay(2, "psp-1", -1, null, 20, 4020)), paid))
                .isEmpty();
        assertThat(rules(List.of(pay(1, "psp-2", 409, "ALREADY_PAID", 0, 10)), paid))
                .isEmpty();
        // the same reference again is the same payment: 200, never 409
        assertThat(rules(
                        List.of(pay(1, "psp-1", 200, null, 0, 10), pay(2, "psp-1", 409, "ALREADY_PAID", 20, 30)), paid))
                .containsExactly("L2");
    }

    @Test
    void aCancellationAnswered409DidNotCancelTheOrder() {
        var cancelled = new Order("CANCELLED", "BUYER_CANCELLED", null);
        assertThat(rules(List.of(cancel(1, 200, null, 0, 10)), cancelled)).isEmpty();
        assertThat(rules(List.of(cancel(1, 409, "NOT_CANCELLABLE", 0, 10)), cancelled))
                .containsExactly("L3");
        assertThat(rules(
                        List.of(cancel(1, 409, "NOT_CANCELLABLE", 0, 10)),
                        new Order("CANCELLED", "PAYMENT_TIMEOUT", null)))
                .isEmpty();
        assertThat(rules(List.of(cancel(1, 200, null, 0, 10)), new Order("PAID", null, "psp-1")))
                .containsExactly("L3");
    }

    @Test
    void aWithdrawalAnswered200MeansTheStandingOrderWasNeverServed() {
        var withdraw = exchange(1, "WITHDRAW", 200, null, 0, 10, null, null);
        var served = new Standing(2, "bob", 1, "SERVED", ORDER);
        assertThat(new LifecyclePromises(List.of(withdraw), Map.of(), Map.of(STANDBY, served)).check())
                .extracting(Violation::rule)
                .containsExactly("L4");
        var withdrawn = new Standing(2, "bob", 1, "WITHDRAWN", null);
        assertThat(new LifecyclePromises(List.of(withdraw), Map.of(), Map.of(STANDBY, withdrawn)).check())
                .isEmpty();
    }

    private static List<String> rules(List<Exchange> log, Order order) {
        return new LifecyclePromises(log, Map.of(ORDER, order), Map.of())
                .check().stream().map(Violation::rule).toList();
    }

    private static Exchange pay(long id, String reference, int status, String code, long sentMs, long answeredMs) {
        return exchange(id, "PAY", status, code, sentMs, answeredMs, ORDER, reference);
    }

    private static Exchange cancel(long id, int status, String code, long sentMs, long answeredMs) {
        return exchange(id, "CANCEL", status, code, sentMs, answeredMs, ORDER, null);
    }

    private static Exchange exchange(
            long id,
            String method,
            int status,
            String code,
            long sentMs,
            long answeredMs,
            UUID orderId,
            String reference) {
        return new Exchange(
                id,
                1,
                1,
                method,
                "api-1",
                0,
                "bob",
                0,
                null,
                0,
                sentMs,
                answeredMs,
                status,
                null,
                code,
                orderId,
                null,
                null,
                reference,
                STANDBY,
                null);
    }
}
