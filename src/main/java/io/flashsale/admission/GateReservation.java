package io.flashsale.admission;

import io.flashsale.admission.gate.GateDecision;
import io.flashsale.admission.gate.IdempotencyKeys;
import io.flashsale.admission.gate.OrderIds;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.admission.gate.SoldOutFlags;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * A purchase's turn at the gate: the Idempotency-Key bound to this request, the local sold-out flag,
 * then one reserve call. Returns what the gate admitted or replays; every refusal is thrown as the
 * buyer's answer.
 */
@Component
class GateReservation {

    private final RedisGate gate;
    private final IdempotencyKeys idempotencyKeys;
    private final SoldOutFlags soldOut;
    private final AdmissionMetrics metrics;

    GateReservation(RedisGate gate, IdempotencyKeys idempotencyKeys, SoldOutFlags soldOut, AdmissionMetrics metrics) {
        this.gate = gate;
        this.idempotencyKeys = idempotencyKeys;
        this.soldOut = soldOut;
        this.metrics = metrics;
    }

    /** The gate's decision, ADMITTED or REPLAY. */
    GateDecision reserve(SaleItem item, PlaceOrder command, Optional<String> idempotencyKey, Instant now) {
        idempotencyKey.ifPresent(key -> bindToThisRequest(command, key));

        // A retry with an Idempotency-Key may be the replay of an order admitted before the sell-out:
        // only the gate knows, so such a request always asks it.
        if (idempotencyKey.isEmpty() && soldOut.isSoldOutFor(item.id(), command.quantity())) {
            throw soldOut(item);
        }
        List<UUID> attempts = idempotencyKey
                .map(key ->
                        OrderIds.forRequest(gate.keys().prefix(), item.id(), command.userId(), command.quantity(), key))
                .orElseGet(() -> List.of(OrderIds.fresh()));
        long gateStarted = System.nanoTime();
        long asked = soldOut.now();
        GateDecision decision;
        try {
            decision = gate.reserve(item.id(), attempts, command.userId(), command.quantity(), idempotencyKey);
        } catch (RuntimeException e) {
            soldOut.unanswered(item.id());
            throw e;
        }
        metrics.gateReserve().record(System.nanoTime() - gateStarted, TimeUnit.NANOSECONDS);
        soldOut.heard(item.id(), command.quantity(), decision, asked);
        return switch (decision.outcome()) {
            case ADMITTED, REPLAY -> decision;
            case SOLD_OUT -> throw soldOut(item);
            case LIMIT_REACHED ->
                throw new ApiException(
                        ErrorCode.ALREADY_PURCHASED, "The per-user limit of " + item.perUserLimit() + " is reached");
            case NOT_OPEN -> throw notOpen(item, now);
            case ATTEMPTS_EXHAUSTED ->
                throw new ApiException(
                        ErrorCode.UNAVAILABLE,
                        "Every attempt under this "
                                + "Idempotency-Key was withdrawn and nothing was bought; retry with a new key");
            case NOT_LOADED ->
                throw item.saleStatus() == SaleStatus.WARMED_UP
                        ? new ApiException(
                                ErrorCode.UNAVAILABLE, "Item " + item.id() + " is being restored, retry shortly")
                        : new ApiException(ErrorCode.SALE_NOT_ACTIVE, "The sale has not been warmed up yet");
        };
    }

    static ApiException notOpen(SaleItem item, Instant now) {
        return new ApiException(
                ErrorCode.SALE_NOT_ACTIVE,
                now.isBefore(item.startsAt())
                        ? "The sale starts at " + item.startsAt()
                        : "The sale ended at " + item.endsAt());
    }

    /**
     * An Idempotency-Key names one request: the same key from the same buyer with another item or
     * quantity is refused (422), never admitted as a second order.
     */
    private void bindToThisRequest(PlaceOrder command, String key) {
        String request = command.itemId() + "|" + command.quantity();
        idempotencyKeys.bind(command.userId(), key, request).ifPresent(bound -> {
            throw new ApiException(
                    ErrorCode.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was first used for another request (item|quantity " + bound + ")");
        });
    }

    private static ApiException soldOut(SaleItem item) {
        return new ApiException(ErrorCode.SOLD_OUT, "Item " + item.id() + " is sold out");
    }
}
