package io.flashsale.admission.gate;

import io.flashsale.admission.gate.GateDecision.Outcome;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleItem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The admission gate in Redis: a reservation ledger in front of PostgreSQL, never the truth.
 * Each verb is one Lua script under {@code resources/redis}, run atomically by SHA (Spring Data
 * Redis falls back to sending the script when Redis answers NOSCRIPT after a restart).
 */
@Component
public class RedisGate {

    /**
     * Orders per confirm.lua or release.lua call. Redis runs a script to its end before any other
     * command, so every buyer's gate call waits behind it: confirm.lua took about 1 ms for 100
     * orders, 5.6 ms for 500 (a whole settlement batch) and 7.9 ms for 1,000 (the drift repair's
     * chunk before; 10.6-15.9 ms in Redis's slow log during a sale) on this project's machine
     * (docs/adr/0058). Each order is counted or released once whatever the chunks, so a chunk is
     * only a bound on that wait.
     */
    static final int SCRIPT_CHUNK = 100;

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final ScriptKeys scriptKeys;
    private final AdmissionProperties settings;
    private final StockAnnouncements announcements;

    RedisGate(StringRedisTemplate redis, AdmissionProperties settings, StockAnnouncements announcements) {
        this.redis = redis;
        this.keys = new GateKeys(settings.gate().keyPrefix());
        this.scriptKeys = new ScriptKeys(keys);
        this.settings = settings;
        this.announcements = announcements;
    }

    public GateKeys keys() {
        return keys;
    }

    public GateMode mode() {
        return settings.gate().mode();
    }

    /** Asks the gate to admit one purchase without an Idempotency-Key (see reserve.lua). */
    GateDecision reserve(long itemId, UUID orderId, String userId, int quantity) {
        return reserve(itemId, List.of(orderId), userId, quantity, Optional.empty());
    }

    /**
     * Asks the gate to admit one purchase (see reserve.lua). With an Idempotency-Key,
     * {@code attempts} are the ids {@link OrderIds#forRequest} derives from the request; without
     * one, a single fresh id.
     */
    public GateDecision reserve(
            long itemId, List<UUID> attempts, String userId, int quantity, Optional<String> idempotencyKey) {
        List<String> reserveKeys = new ArrayList<>(scriptKeys.reserve(itemId));
        idempotencyKey.ifPresent(key -> reserveKeys.add(keys.idempotency(itemId, userId, key)));
        List<?> answer = redis.execute(
                GateScripts.RESERVE,
                reserveKeys,
                GateScripts.reserveArguments(mode(), attempts, userId, quantity, settings, idempotencyKey.isPresent())
                        .toArray());
        GateDecision decision = GateDecision.of(answer, quantity);
        if (decision.outcome() == Outcome.ADMITTED && mode() == GateMode.RESERVE) {
            announcements.unitsMoved(itemId);
        }
        return decision;
    }

    /**
     * Gives back the reservations of these orders of one item, {@value #SCRIPT_CHUNK} orders per
     * release.lua call; returns those that were still held. If a later chunk fails, the units the
     * earlier ones gave back are announced all the same before the exception goes on (the orders
     * of the failed chunk stay pending for the reconciler).
     */
    public List<UUID> release(long itemId, Collection<UUID> orderIds) {
        List<UUID> released = new ArrayList<>();
        try {
            for (List<UUID> chunk : chunks(orderIds)) {
                List<?> ids = redis.execute(
                        GateScripts.RELEASE,
                        scriptKeys.release(itemId),
                        chunk.stream().map(UUID::toString).toArray());
                ids.forEach(id -> released.add(UUID.fromString((String) id)));
            }
        } finally {
            if (!released.isEmpty()) {
                announcements.unitsMayBeBack(itemId);
            }
        }
        return released;
    }

    /**
     * Records confirmed orders of one item, each once (see confirm.lua), {@value #SCRIPT_CHUNK}
     * orders per call; returns how many the gate had not counted yet.
     */
    public long confirm(long itemId, Collection<SettledOrder> orders) {
        long applied = 0;
        try {
            for (List<SettledOrder> chunk : chunks(orders)) {
                Long counted = redis.execute(
                        GateScripts.CONFIRM,
                        scriptKeys.confirm(itemId),
                        GateScripts.confirmArguments(mode(), chunk).toArray());
                applied += counted == null ? 0 : counted;
            }
        } finally {
            if (applied > 0) {
                announcements.unitsMoved(itemId);
            }
        }
        return applied;
    }

    private static <T> List<List<T>> chunks(Collection<T> all) {
        List<T> list = List.copyOf(all);
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < list.size(); from += SCRIPT_CHUNK) {
            chunks.add(list.subList(from, Math.min(list.size(), from + SCRIPT_CHUNK)));
        }
        return chunks;
    }

    /** Entries of the item's pending hash (reservations awaiting settlement); 0 if none or the item is not loaded. */
    public long pendingCount(long itemId) {
        return redis.opsForHash().size(keys.pending(itemId));
    }

    /**
     * Loads an item for sale, or rebuilds it after Redis lost it, from one PostgreSQL snapshot (see
     * load.lua); keeps everything but the window and limit if the item is loaded already.
     * Returns the tokens.
     */
    public long load(SaleItem item, GateSnapshot snapshot) {
        Long tokens = redis.execute(
                GateScripts.LOAD,
                scriptKeys.load(item.id()),
                GateScripts.loadArguments(item, snapshot).toArray());
        announcements.unitsMayBeBack(item.id());
        return tokens;
    }

    /** The item's reservations awaiting settlement (reserve mode); empty if there are none or the item is not loaded. */
    public List<PendingReservation> pendingReservations(long itemId) {
        List<PendingReservation> reservations = new ArrayList<>();
        redis.<String, String>opsForHash()
                .entries(keys.pending(itemId))
                .forEach((orderId, entry) ->
                        reservations.add(PendingReservation.parse(UUID.fromString(orderId), itemId, entry)));
        return reservations;
    }

    /** Whether the item's state is in Redis at all (it is lost after a flush or a restart without persistence). */
    public boolean isLoaded(long itemId) {
        return Boolean.TRUE.equals(redis.hasKey(keys.meta(itemId)))
                && Boolean.TRUE.equals(redis.hasKey(keys.tokens(itemId)));
    }

    /** Units the gate may still admit, or empty if the item is not loaded. */
    public Optional<Long> tokens(long itemId) {
        return Optional.ofNullable(redis.opsForValue().get(keys.tokens(itemId))).map(Long::valueOf);
    }
}
