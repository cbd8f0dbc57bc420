package io.flashsale.admission.gate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * What the gate's verbs announce after they changed an item's units: that units moved (the event
 * streams read the figure again, {@link StockListener}), or that units may be back (every API
 * instance also drops its sold-out flag for the item). Used by {@link RedisGate}, {@link
 * GateReturns} and {@link GateRepair}. Never fails: a lost announcement is made good by the flags'
 * re-check once they are stale ({@link SoldOutFlags}) and the next change.
 */
@Component
class StockAnnouncements {

    /** The announcements were RedisGate's; their log line keeps its logger. */
    private static final Logger log = LoggerFactory.getLogger(RedisGate.class);

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final SoldOutFlags soldOut;
    private final StockListener live;

    StockAnnouncements(
            StringRedisTemplate redis, AdmissionProperties settings, SoldOutFlags soldOut, StockListener live) {
        this.redis = redis;
        this.keys = new GateKeys(settings.gate().keyPrefix());
        this.soldOut = soldOut;
        this.live = live;
    }

    /**
     * Units of this item moved without coming back for anybody (a purchase, a confirmation, units
     * to standing orders): the event streams read the figure again.
     */
    void unitsMoved(long itemId) {
        live.unitsMoved(itemId);
    }

    /**
     * Units of this item may be back: every API instance drops its sold-out flag for it (this one
     * at once, the others through pub/sub on {@link GateKeys#restockChannel()}). If the message is
     * lost, each instance's flag is re-checked once it is stale. The event streams hear of it with the next announcement
     * of moved units ({@link StockListener}).
     */
    void unitsMayBeBack(long itemId) {
        soldOut.clear(itemId);
        live.unitsMoved(itemId);
        try {
            redis.convertAndSend(keys.restockChannel(), Long.toString(itemId));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not announce that item {} has units again; other instances see it when their flags are re-checked: {}",
                    itemId,
                    e.toString());
        }
    }
}
