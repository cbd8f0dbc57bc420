package io.flashsale.payment;

import io.flashsale.orders.FailureReason;
import io.flashsale.orders.SettledOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts the units of cancelled orders back on sale, exactly once, whichever process crashes where.
 * <ol>
 *   <li>PostgreSQL, one transaction: the row CONFIRMED → CANCELLED (a conditional UPDATE: one
 *       writer wins, however many sweepers and buyers try), {@code available} up, the holding down
 *       ({@link PaymentLedger#cancel}).</li>
 *   <li>Redis, after the commit: restock.lua gives back what the gate counts for each order, each
 *       part once, marks the order returned, and offers the units to the buyers standing by first;
 *       then {@code compensated_at} records it ({@link ReturnsToGate}). A crash
 *       or a Redis error in between leaves a CANCELLED row without {@code compensated_at}: the
 *       reconciler's leader finds it ({@link #finishUnfinished}) and runs the script again, which
 *       gives nothing twice.</li>
 * </ol>
 */
@Component
public class UnitReturns {

    private static final Logger log = LoggerFactory.getLogger(UnitReturns.class);
    private static final int BATCH = 1_000;

    private final PaymentLedger ledger;
    private final ReturnsToGate toGate;
    private final PaymentMetrics metrics;
    private final Clock clock;

    UnitReturns(PaymentLedger ledger, ReturnsToGate toGate, PaymentMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.toGate = toGate;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The buyer's cancellation of a CONFIRMED, unpaid hold; empty if the row was anything else. */
    Optional<SettledOrder> cancelByBuyer(long itemId, UUID orderId) {
        List<SettledOrder> cancelled = cancel(itemId, List.of(orderId), FailureReason.BUYER_CANCELLED);
        return cancelled.stream().findFirst();
    }

    /** Cancels holds whose payment window has passed and puts their units back; returns how many it cancelled. */
    public int cancelOverdue() {
        int cancelled = 0;
        for (var overdue : ledger.overdue(BATCH).entrySet()) {
            try {
                cancelled += cancel(overdue.getKey(), overdue.getValue(), FailureReason.PAYMENT_TIMEOUT)
                        .size();
            } catch (RuntimeException e) {
                log.warn(
                        "Could not cancel the overdue holds of item {}, will try again: {}",
                        overdue.getKey(),
                        e.toString());
            }
        }
        return cancelled;
    }

    /**
     * Gives back to the gate the units of orders cancelled longer ago than {@code grace} whose gate
     * half did not happen. An item Redis has lost is left until it is rebuilt (the rebuild may have
     * read PostgreSQL before the cancellation), unless its sale ended before {@code rebuiltUntil}:
     * the reconciler no longer rebuilds it, so there is no gate to give back to. Returns how many
     * orders it finished.
     */
    public int finishUnfinished(Duration grace, Duration rebuiltUntil) {
        return toGate.finishUnfinished(grace, rebuiltUntil);
    }

    private List<SettledOrder> cancel(long itemId, List<UUID> orderIds, FailureReason reason) {
        List<SettledOrder> cancelled = ledger.cancel(itemId, orderIds, reason);
        if (cancelled.isEmpty()) {
            return cancelled;
        }
        metrics.cancelled(
                reason,
                cancelled.size(),
                cancelled.stream().mapToInt(SettledOrder::quantity).sum());
        cancelled.forEach(order -> log.atInfo()
                .addKeyValue("orderId", order.orderId().toString())
                .addKeyValue("itemId", itemId)
                .log(
                        "Order {} of item {} cancelled ({}); {} units back on sale",
                        order.orderId(),
                        itemId,
                        reason,
                        order.quantity()));
        toGate.giveBack(itemId, cancelled, clock.instant());
        return cancelled;
    }
}
