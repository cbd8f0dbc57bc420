package io.flashsale.recovery;

import io.flashsale.admission.RedisGate;
import io.flashsale.settlement.OrderBook;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the gate's drift from PostgreSQL instead of only measuring it. Drift comes and goes while
 * settled orders are synced to Redis; drift seen twice in a row with the same value is not that,
 * and is repaired in two steps, each safe whatever runs at the same time:
 * <ol>
 *   <li>every CONFIRMED order of the item is confirmed in the gate again: confirm.lua counts an
 *       order once, so only those the gate missed take units now (their sync was lost with a
 *       crash, or their reservation with Redis);</li>
 *   <li>if the drift is still there, repair.lua sets the tokens to PostgreSQL's available, but only
 *       if no reservation is pending, the gate counts as many confirmed orders as PostgreSQL, and
 *       the tokens did not move meanwhile: then no unit can be counted twice.</li>
 * </ol>
 * Used by the reconciler's leader only, from its one scheduling thread.
 */
class DriftRepair {

    private static final Logger log = LoggerFactory.getLogger(DriftRepair.class);

    private final RedisGate gate;
    private final OrderBook orderBook;
    private final Map<Long, Long> lastDrift = new HashMap<>();

    DriftRepair(RedisGate gate, OrderBook orderBook) {
        this.gate = gate;
        this.orderBook = orderBook;
    }

    /** Called with each measurement of an item's drift (Redis tokens minus what PostgreSQL says they should be). */
    void measured(long itemId, long drift) {
        Long before = drift == 0 ? lastDrift.remove(itemId) : lastDrift.put(itemId, drift);
        if (drift == 0 || before == null || before != drift) {
            return;
        }
        lastDrift.remove(itemId);
        long missed = gate.confirmAll(itemId, orderBook.confirmedOrdersOf(itemId));
        if (missed > 0) {
            log.warn("Item {}: drift {}; the gate had missed {} confirmed orders, now counted", itemId, drift, missed);
            return;
        }
        long tokens = gate.tokens(itemId).orElseThrow();
        orderBook.stockCountOf(itemId).filter(truth -> gate.repairTokens(itemId, tokens, truth)).ifPresent(truth ->
                log.warn("Item {}: drift {} while quiet; tokens set from {} to PostgreSQL's available {}",
                        itemId, drift, tokens, truth.available()));
    }
}
