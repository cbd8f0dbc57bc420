package io.flashsale.recovery;

import io.flashsale.admission.gate.GateRepair;
import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.ItemOrders;
import io.flashsale.sale.SaleItem;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
 *   <li>if the drift is still there, repair.lua sets tokens and buyers to PostgreSQL's, but only
 *       if no reservation is pending, the gate counts as many confirmed orders as PostgreSQL, and
 *       the tokens did not move meanwhile: then no unit can be counted twice. While reservations
 *       are pending it is not tried at all, since it would refuse after Redis had read every
 *       buyer's holdings in one script.</li>
 * </ol>
 * Step 1 relies on the gate's set of confirmed orders. If that set is gone while PostgreSQL has
 * confirmed orders (seen twice in a row, as the first sync of a sale may still be on its way), the
 * item is taken out of the gate and rebuilt whole instead.
 * <p>
 * Used by the reconciler's leader only, from its one scheduling thread.
 */
class DriftRepair {

    private static final Logger log = LoggerFactory.getLogger(DriftRepair.class);

    private final RedisGate gate;
    private final GateRepair repair;
    private final ItemOrders itemOrders;
    private final GateWarmup warmup;
    private final Map<Long, Long> lastDrift = new HashMap<>();
    private final Set<Long> missingConfirmedSet = new HashSet<>();

    DriftRepair(RedisGate gate, GateRepair repair, ItemOrders itemOrders, GateWarmup warmup) {
        this.gate = gate;
        this.repair = repair;
        this.itemOrders = itemOrders;
        this.warmup = warmup;
    }

    /**
     * Whether the item lost its set of confirmed orders (and nothing else); if so it is taken out of
     * the gate, to be rebuilt.
     */
    boolean unloadIfPartlyLost(SaleItem item) {
        boolean missing = !repair.hasConfirmedSet(item.id()) && itemOrders.hasConfirmedOrders(item.id());
        if (!missing) {
            missingConfirmedSet.remove(item.id());
            return false;
        }
        if (missingConfirmedSet.add(item.id())) {
            return false;
        }
        missingConfirmedSet.remove(item.id());
        log.warn("Item {} lost its set of confirmed orders in Redis; rebuilding it from PostgreSQL", item.id());
        repair.unload(item.id());
        return true;
    }

    /** Called with each measurement of an item's drift (Redis tokens minus what PostgreSQL says they should be). */
    void measured(SaleItem item, long drift) {
        long itemId = item.id();
        Long before = drift == 0 ? lastDrift.remove(itemId) : lastDrift.put(itemId, drift);
        if (drift == 0 || before == null || before != drift) {
            return;
        }
        lastDrift.remove(itemId);
        long missed = gate.confirm(itemId, itemOrders.confirmedOrdersOf(itemId));
        if (missed > 0) {
            log.warn("Item {}: drift {}; the gate had missed {} confirmed orders, now counted", itemId, drift, missed);
            return;
        }
        if (gate.pendingCount(itemId) > 0) {
            // repair.lua would refuse: not worth reading every buyer's holdings and sending them to
            // Redis in one script (two arguments a buyer) while buyers are being admitted
            return;
        }
        long tokens = gate.tokens(itemId).orElseThrow();
        var truth = warmup.snapshotOf(item);
        if (repair.repair(itemId, tokens, truth)) {
            log.warn(
                    "Item {}: drift {} while quiet; tokens set from {} to PostgreSQL's available {}, buyers to its holdings",
                    itemId,
                    drift,
                    tokens,
                    truth.available());
        }
    }
}
