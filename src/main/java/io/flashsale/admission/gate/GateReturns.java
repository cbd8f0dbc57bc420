package io.flashsale.admission.gate;

import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The gate's half of a return: the units of orders PostgreSQL has CANCELLED go back to the gate,
 * each once, and the units free in the gate are offered to standing orders before anybody else can
 * buy them (restock.lua). Whoever wrote the CANCELLED rows calls it after the commit, and again
 * after a crash or a Redis error: a repeat gives nothing more.
 */
@Component
public class GateReturns {

    /** A buyer standing by, and the order they are served as if units are free for them. */
    public record StandingOrder(UUID orderId, String userId, int quantity) {}

    /**
     * A standing order the gate admitted, {@code now} or before (then it took nothing now), with its
     * reservation's deadline (null if it is confirmed already).
     */
    public record Admitted(UUID orderId, Instant deadline, boolean now) {}

    /**
     * @param loaded        false if the item is not in Redis (nothing was done: its rebuild reads PostgreSQL)
     * @param unitsReturned units given back to the gate now
     * @param tokensLeft    units free in the gate afterwards, for anybody to buy
     */
    public record Restocked(boolean loaded, int unitsReturned, long tokensLeft, List<Admitted> admitted) {}

    private final StringRedisTemplate redis;
    private final RedisGate gate;
    private final GateKeys keys;
    private final ScriptKeys scriptKeys;
    private final StockAnnouncements announcements;
    private final OrderStatusRecords statuses;
    private final StandingOrderQueue publisher;
    private final AdmissionProperties settings;

    GateReturns(
            StringRedisTemplate redis,
            RedisGate gate,
            StockAnnouncements announcements,
            OrderStatusRecords statuses,
            StandingOrderQueue publisher,
            AdmissionProperties settings) {
        this.redis = redis;
        this.gate = gate;
        this.keys = gate.keys();
        this.scriptKeys = new ScriptKeys(keys);
        this.announcements = announcements;
        this.statuses = statuses;
        this.publisher = publisher;
        this.settings = settings;
    }

    /**
     * Gives back the units of {@code cancelled} (orders of one item PostgreSQL has CANCELLED), then
     * offers what is free to {@code standing}, oldest first. If units are left for everybody, every
     * API instance drops its sold-out flag for the item.
     */
    public Restocked restock(long itemId, Collection<SettledOrder> cancelled, List<StandingOrder> standing) {
        if (cancelled.isEmpty() && standing.isEmpty()) {
            return new Restocked(gate.isLoaded(itemId), 0, gate.tokens(itemId).orElse(0L), List.of());
        }
        List<?> answer = redis.execute(
                GateScripts.RESTOCK,
                scriptKeys.restock(itemId),
                GateScripts.restockArguments(settings.reservation().ttl(), cancelled, standing)
                        .toArray());
        if ((Long) answer.get(0) == 0) {
            return new Restocked(false, 0, 0, List.of());
        }
        int returned = ((Long) answer.get(1)).intValue();
        long tokensLeft = (Long) answer.get(2);
        List<Admitted> admitted = new ArrayList<>();
        for (int i = 3; i + 2 < answer.size(); i += 3) {
            long deadline = (Long) answer.get(i + 1);
            admitted.add(new Admitted(
                    UUID.fromString((String) answer.get(i)),
                    deadline == 0 ? null : Instant.ofEpochMilli(deadline),
                    (Long) answer.get(i + 2) == 1));
        }
        if (returned > 0 && tokensLeft > 0) {
            announcements.unitsMayBeBack(itemId);
        } else if (returned > 0 || !admitted.isEmpty()) {
            announcements.unitsMoved(itemId);
        }
        return new Restocked(true, returned, tokensLeft, admitted);
    }

    /**
     * Queues an order the gate admitted for a buyer standing by, as a purchase is queued (PENDING
     * cached, persistent message, the broker's confirm awaited). Returns whether the broker
     * confirmed it; if not, the caller queues it again later (settlement decides an order once).
     */
    public boolean queue(OrderRequested order) {
        return publisher.queue(order);
    }

    /** Gives back the reservations of admitted orders that will not be queued (see release.lua). */
    public List<UUID> release(long itemId, Collection<UUID> orderIds) {
        return gate.release(itemId, orderIds);
    }

    /** How long a reservation lasts: an admitted order's deadline less this is when it was admitted. */
    public Duration reservationTtl() {
        return settings.reservation().ttl();
    }

    /** Units the gate may still admit, or empty if the item is not loaded. */
    public Optional<Long> tokens(long itemId) {
        return gate.tokens(itemId);
    }

    /** Caches the statuses of orders whose row changed (PAID, CANCELLED), so that polling them costs no query. */
    public void recordStatuses(Collection<SettledOrder> orders) {
        statuses.record(orders);
    }

    /** Units of the item the gate counts for the buyer (reserved or bought). */
    public int unitsHeldBy(long itemId, String userId) {
        Object units = redis.opsForHash().get(keys.buyers(itemId), userId);
        return units == null ? 0 : Integer.parseInt(units.toString());
    }
}
