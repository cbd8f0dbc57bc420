package io.flashsale.admission.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.admission.gate.GateDecision.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How the gate reads what its scripts answer and keep, without Redis. */
class GateScriptAnswersTest {

    final UUID orderId = UUID.randomUUID();

    @Test
    void anAdmissionCarriesTheOrderAndItsDeadline() {
        var decision = GateDecision.of(List.of(1L, orderId.toString(), 1_700_000_000_000L), 2);
        assertThat(decision.outcome()).isEqualTo(Outcome.ADMITTED);
        assertThat(decision.orderId()).isEqualTo(orderId);
        assertThat(decision.deadline()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(decision.unitsLeft()).isEqualTo(-1);
        assertThat(decision.quantity()).isEqualTo(2);
    }

    @Test
    void aSellOutCarriesTheUnitsLeftAndNoOrder() {
        var decision = GateDecision.of(List.of(0L, "", 0L, 1L), 2);
        assertThat(decision.outcome()).isEqualTo(Outcome.SOLD_OUT);
        assertThat(decision.orderId()).isNull();
        assertThat(decision.deadline()).isNull();
        assertThat(decision.unitsLeft()).isEqualTo(1);
    }

    @Test
    void aReplayIsTheFirstAdmissionWithItsOwnQuantity() {
        var decision = GateDecision.of(List.of(2L, orderId + "|3|1700000000000|1699999999000"), 1);
        assertThat(decision.outcome()).isEqualTo(Outcome.REPLAY);
        assertThat(decision.quantity()).isEqualTo(3);
        assertThat(decision.admittedAt()).isEqualTo(Instant.ofEpochMilli(1_699_999_999_000L));
    }

    @Test
    void aPendingEntryIsReadFromTheRightSoTheBuyerMayContainTheSeparator() {
        var reservation = PendingReservation.parse(orderId, 5, "tenant|alice|2|1700000000000");
        assertThat(reservation)
                .isEqualTo(new PendingReservation(
                        orderId, 5, "tenant|alice", 2, Instant.ofEpochMilli(1_700_000_000_000L)));
    }
}
