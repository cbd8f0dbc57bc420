package io.flashsale.admission.gate;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/** What the reconciler does to an item whose gate drifted from PostgreSQL or lost part of its state. */
@Component
public class GateRepair {

    private final StringRedisTemplate redis;
    private final RedisGate gate;
    private final GateKeys keys;
    private final ScriptKeys scriptKeys;
    private final StockAnnouncements announcements;

    GateRepair(StringRedisTemplate redis, RedisGate gate, StockAnnouncements announcements) {
        this.redis = redis;
        this.gate = gate;
        this.keys = gate.keys();
        this.scriptKeys = new ScriptKeys(keys);
        this.announcements = announcements;
    }

    /**
     * Sets the item's tokens and buyers to PostgreSQL's if nothing moved since {@code measuredTokens}
     * was read and the gate counts as many confirmed orders as the snapshot (see repair.lua).
     * Returns whether it did.
     */
    public boolean repair(long itemId, long measuredTokens, GateSnapshot truth) {
        Long repaired = redis.execute(
                GateScripts.REPAIR,
                scriptKeys.repair(itemId),
                GateScripts.repairArguments(measuredTokens, truth).toArray());
        if (repaired != null && repaired == 1) {
            announcements.unitsMayBeBack(itemId);
            return true;
        }
        return false;
    }

    /**
     * Whether the item's set of confirmed orders is in Redis. It is missing only before the item's
     * first confirmation, or if it was lost without the rest of the item.
     */
    public boolean hasConfirmedSet(long itemId) {
        return Boolean.TRUE.equals(redis.hasKey(keys.confirmed(itemId)));
    }

    /** Takes an item out of the gate (purchases of it answer 503) so that the reconciler rebuilds it whole. */
    public void unload(long itemId) {
        redis.delete(keys.tokens(itemId));
        announcements.unitsMoved(itemId);
    }
}
