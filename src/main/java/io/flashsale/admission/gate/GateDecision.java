package io.flashsale.admission.gate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the reserve script answered. {@code unitsLeft} is the gate's count when it said SOLD_OUT,
 * else -1. For a REPLAY, {@code orderId}, {@code deadline} and {@code quantity} are those of the
 * first admission under the same Idempotency-Key; otherwise {@code quantity} is the request's.
 */
public record GateDecision(
        Outcome outcome, UUID orderId, Instant deadline, long unitsLeft, int quantity, Instant admittedAt) {

    GateDecision(Outcome outcome, UUID orderId, Instant deadline, long unitsLeft, int quantity) {
        this(outcome, orderId, deadline, unitsLeft, quantity, null);
    }

    /**
     * What reserve.lua answered: the outcome's code, then for a replay the first admission, else
     * the order's id ("" when refused), its deadline in epoch milliseconds (0 when none) and, when
     * sold out, the units left.
     */
    static GateDecision of(List<?> answer, int quantity) {
        Outcome outcome = Outcome.ofCode((Long) answer.get(0));
        if (outcome == Outcome.REPLAY) {
            return replay((String) answer.get(1), quantity);
        }
        String admittedAs = (String) answer.get(1);
        long deadline = (Long) answer.get(2);
        long unitsLeft = answer.size() > 3 ? (Long) answer.get(3) : -1;
        return new GateDecision(
                outcome,
                admittedAs.isEmpty() ? null : UUID.fromString(admittedAs),
                deadline == 0 ? null : Instant.ofEpochMilli(deadline),
                unitsLeft,
                quantity);
    }

    /**
     * A replay, from the first admission as reserve.lua answers it:
     * {@code orderId|quantity|deadlineMs|admittedAtMs} (deadline 0 in check-only mode, admittedAt 0
     * when the order is settled), or a bare orderId as written before the rest was kept.
     */
    static GateDecision replay(String firstAdmission, int requestedQuantity) {
        String[] parts = firstAdmission.split("\\|");
        UUID orderId = UUID.fromString(parts[0]);
        if (parts.length < 3) {
            return new GateDecision(Outcome.REPLAY, orderId, null, -1, requestedQuantity);
        }
        long deadline = Long.parseLong(parts[2]);
        long admittedAt = parts.length > 3 ? Long.parseLong(parts[3]) : 0;
        return new GateDecision(
                Outcome.REPLAY,
                orderId,
                deadline == 0 ? null : Instant.ofEpochMilli(deadline),
                -1,
                Integer.parseInt(parts[1]),
                admittedAt == 0 ? null : Instant.ofEpochMilli(admittedAt));
    }

    public enum Outcome {
        ADMITTED,
        REPLAY,
        SOLD_OUT,
        LIMIT_REACHED,
        NOT_OPEN,
        NOT_LOADED,
        ATTEMPTS_EXHAUSTED;

        static Outcome ofCode(long code) {
            return switch ((int) code) {
                case 1 -> ADMITTED;
                case 2 -> REPLAY;
                case 0 -> SOLD_OUT;
                case -1 -> LIMIT_REACHED;
                case -2 -> NOT_OPEN;
                case -3 -> NOT_LOADED;
                case -4 -> ATTEMPTS_EXHAUSTED;
                default -> throw new IllegalStateException("reserve.lua answered " + code);
            };
        }
    }
}
