package io.flashsale.payment;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.GateReturns.Restocked;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.standby.StandbyQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Redis half of a return ({@link UnitReturns}): restock.lua gives back what the gate counts for
 * each CANCELLED order, each part once, and offers the units to the buyers standing by first
 * ({@link StandbyQueue}); then {@code compensated_at} records it. Rows a crash or a Redis error left
 * without {@code compensated_at} are finished later ({@link #finishUnfinished}): the script gives
 * nothing twice.
 */
@Component
class ReturnsToGate {

    /** Its log lines were UnitReturns' and keep its logger. */
    private static final Logger log = LoggerFactory.getLogger(UnitReturns.class);

    private static final int BATCH = 1_000;

    private final PaymentLedger ledger;
    private final StandbyQueue standby;
    private final GateReturns gate;
    private final OrderBook orderBook;
    private final SaleCatalog catalog;
    private final Clock clock;

    ReturnsToGate(
            PaymentLedger ledger,
            StandbyQueue standby,
            GateReturns gate,
            OrderBook orderBook,
            SaleCatalog catalog,
            Clock clock) {
        this.ledger = ledger;
        this.standby = standby;
        this.gate = gate;
        this.orderBook = orderBook;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** See {@link UnitReturns#finishUnfinished}: returns how many orders it finished. */
    int finishUnfinished(Duration grace, Duration rebuiltUntil) {
        int finished = 0;
        for (Map.Entry<Long, List<SettledOrder>> item :
                ledger.unfinishedReturns(grace, BATCH).entrySet()) {
            long itemId = item.getKey();
            Optional<Restocked> done = giveBack(itemId, item.getValue(), null);
            if (done.isPresent() && done.get().loaded()) {
                finished += item.getValue().size();
            } else if (done.isPresent()
                    && saleEndedBefore(itemId, clock.instant().minus(rebuiltUntil))) {
                orderBook.markCompensated(
                        item.getValue().stream().map(SettledOrder::orderId).toList());
            }
        }
        if (finished > 0) {
            log.info("Finished the returns of {} cancelled orders whose units had not reached the gate", finished);
        }
        return finished;
    }

    /**
     * Gives the units of {@code cancelled} (committed CANCELLED orders of one item) back to the gate;
     * empty if Redis failed (the rows stay unfinished and are tried again).
     * {@code unitsReturnedAt}: when the rows were committed, if this process just did (else null).
     */
    Optional<Restocked> giveBack(long itemId, List<SettledOrder> cancelled, Instant unitsReturnedAt) {
        try {
            Restocked restocked = standby.restock(itemId, cancelled, unitsReturnedAt);
            if (!restocked.loaded()) {
                if (unitsReturnedAt != null) {
                    // just committed: the buyer's page hears of it now, not once the item is rebuilt
                    gate.recordStatuses(cancelled);
                }
                return Optional.of(restocked);
            }
            gate.recordStatuses(cancelled);
            orderBook.markCompensated(
                    cancelled.stream().map(SettledOrder::orderId).toList());
            return Optional.of(restocked);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not give the units of {} cancelled orders of item {} back to the gate; the reconciler will: {}",
                    cancelled.size(),
                    itemId,
                    e.toString());
            return Optional.empty();
        }
    }

    private boolean saleEndedBefore(long itemId, Instant instant) {
        return catalog.cachedItem(itemId)
                .map(SaleItem::endsAt)
                .map(end -> end.isBefore(instant))
                .orElse(true);
    }
}
