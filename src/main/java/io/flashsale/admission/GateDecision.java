package io.flashsale.admission;

import java.time.Instant;
import java.util.UUID;

/** What the reserve script answered; {@code unitsLeft} is the gate's count when it said SOLD_OUT, else -1. */
record GateDecision(Outcome outcome, UUID orderId, Instant deadline, long unitsLeft) {

    enum Outcome {
        ADMITTED, REPLAY, SOLD_OUT, LIMIT_REACHED, NOT_OPEN, NOT_LOADED;

        static Outcome ofCode(long code) {
            return switch ((int) code) {
                case 1 -> ADMITTED;
                case 2 -> REPLAY;
                case 0 -> SOLD_OUT;
                case -1 -> LIMIT_REACHED;
                case -2 -> NOT_OPEN;
                case -3 -> NOT_LOADED;
                default -> throw new IllegalStateException("reserve.lua answered " + code);
            };
        }
    }
}
