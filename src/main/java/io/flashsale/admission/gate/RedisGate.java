package io.flashsale.admission.gate;

import io.flashsale.admission.events.LiveChanges;
import io.flashsale.admission.events.EventStreams;
import io.flashsale.admission.gate.GateDecision.Outcome;
import io.flashsale.sale.SaleItem;
import io.flashsale.orders.SettledOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The admission gate in Redis: a reservation ledger in front of PostgreSQL, never the truth.
 * Each verb is one Lua script under {@code resources/redis}, run atomically by SHA (Spring Data
 * Redis falls back to sending the script when Redis answers NOSCRIPT after a restart).
 */
@Component
public class RedisGate {

    private static final RedisScript<List> RESERVE = script("reserve", List.class);
    private static final RedisScript<List> RELEASE = script("release", List.class);
    private static final RedisScript<Long> CONFIRM = script("confirm", Long.class);
    private static final RedisScript<Long> LOAD = script("load", Long.class);
    private static final RedisScript<Long> REPAIR = script("repair", Long.class);

    private static final Logger log = LoggerFactory.getLogger(RedisGate.class);

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final AdmissionProperties settings;
    private final SoldOutFlags soldOut;
    private final LiveChanges live;

    RedisGate(StringRedisTemplate redis, AdmissionProperties settings, SoldOutFlags soldOut, LiveChanges live) {
        this.redis = redis;
        this.keys = new GateKeys(settings.gate().keyPrefix());
        this.settings = settings;
        this.soldOut = soldOut;
        this.live = live;
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
    public GateDecision reserve(long itemId, List<UUID> attempts, String userId, int quantity, Optional<String> idempotencyKey) {
        List<String> scriptKeys = new ArrayList<>(List.of(keys.meta(itemId), keys.tokens(itemId), keys.buyers(itemId),
                keys.pending(itemId), keys.confirmed(itemId), keys.withdrawn(itemId)));
        idempotencyKey.ifPresent(key -> scriptKeys.add(keys.idempotency(itemId, userId, key)));
        List<String> args = new ArrayList<>(List.of(mode().scriptArgument(), attempts.getFirst().toString(), userId,
                Integer.toString(quantity), Long.toString(settings.reservation().ttl().toMillis()),
                Long.toString(settings.gate().idempotencyTtl().toMillis())));
        if (idempotencyKey.isPresent()) {
            attempts.stream().skip(1).forEach(attempt -> args.add(attempt.toString()));
        }
        List<?> answer = redis.execute(RESERVE, scriptKeys, args.toArray());
        Outcome outcome = Outcome.ofCode((Long) answer.get(0));
        if (outcome == Outcome.REPLAY) {
            return GateDecision.replay((String) answer.get(1), quantity);
        }
        if (outcome == Outcome.ADMITTED && mode() == GateMode.RESERVE) {
            live.unitsMoved(itemId);
        }
        String admittedAs = (String) answer.get(1);
        long deadline = (Long) answer.get(2);
        long unitsLeft = answer.size() > 3 ? (Long) answer.get(3) : -1;
        return new GateDecision(outcome, admittedAs.isEmpty() ? null : UUID.fromString(admittedAs),
                deadline == 0 ? null : Instant.ofEpochMilli(deadline), unitsLeft, quantity);
    }

    /**
     * Binds a buyer's Idempotency-Key to one request ({@code fingerprint}: what the request asks
     * for) the first time it is used. Returns the fingerprint it is bound to if that is another
     * one, else empty.
     */
    public Optional<String> bindIdempotencyKey(String userId, String key, String fingerprint) {
        String binding = keys.idempotencyRequest(userId, key);
        if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(binding, fingerprint, settings.gate().idempotencyTtl()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(redis.opsForValue().get(binding)).filter(bound -> !bound.equals(fingerprint));
    }

    /**
     * After a withdrawal: the order's id is spent (a retry of the same request is admitted under a
     * fresh one) and the key is free again.
     */
    public void forgetIdempotencyKey(long itemId, UUID withdrawnOrder, String userId, String key) {
        redis.opsForSet().add(keys.withdrawn(itemId), withdrawnOrder.toString());
        redis.delete(List.of(keys.idempotency(itemId, userId, key), keys.idempotencyRequest(userId, key)));
    }

    /** Gives back the reservations of these orders of one item; returns those that were still held. */
    public List<UUID> release(long itemId, Collection<UUID> orderIds) {
        if (orderIds.isEmpty()) {
            return List.of();
        }
        List<?> released = redis.execute(RELEASE,
                List.of(keys.tokens(itemId), keys.buyers(itemId), keys.pending(itemId)),
                orderIds.stream().map(UUID::toString).toArray());
        if (!released.isEmpty()) {
            announceRestock(itemId);
        }
        return released.stream().map(id -> UUID.fromString((String) id)).toList();
    }

    /** Records confirmed orders of one item, each once (see confirm.lua). */
    public long confirm(long itemId, Collection<SettledOrder> orders) {
        if (orders.isEmpty()) {
            return 0;
        }
        List<String> args = new ArrayList<>(1 + 3 * orders.size());
        args.add(mode().scriptArgument());
        for (SettledOrder order : orders) {
            args.add(order.orderId().toString());
            args.add(order.userId());
            args.add(Integer.toString(order.quantity()));
        }
        Long applied = redis.execute(CONFIRM, List.of(keys.tokens(itemId), keys.buyers(itemId), keys.pending(itemId),
                keys.confirmed(itemId), keys.returned(itemId)), args.toArray());
        if (applied != null && applied > 0) {
            live.unitsMoved(itemId);
        }
        return applied == null ? 0 : applied;
    }

    /**
     * Loads an item for sale, or rebuilds it after Redis lost it, from one PostgreSQL snapshot (see
     * load.lua); keeps everything but the window and limit if the item is loaded already.
     * Returns the tokens.
     */
    public long load(SaleItem item, GateSnapshot snapshot) {
        List<String> args = new ArrayList<>(7 + 2 * snapshot.holdings().size() + snapshot.confirmedOrders().size()
                + snapshot.withdrawnOrders().size() + snapshot.returnedOrders().size());
        args.add(Long.toString(item.startsAt().toEpochMilli()));
        args.add(Long.toString(item.endsAt().toEpochMilli()));
        args.add(Integer.toString(item.perUserLimit()));
        args.add(Integer.toString(snapshot.available()));
        args.add(Integer.toString(snapshot.holdings().size()));
        args.add(Integer.toString(snapshot.confirmedOrders().size()));
        args.add(Integer.toString(snapshot.withdrawnOrders().size()));
        snapshot.holdings().forEach((user, units) -> {
            args.add(user);
            args.add(Integer.toString(units));
        });
        snapshot.confirmedOrders().forEach(orderId -> args.add(orderId.toString()));
        snapshot.withdrawnOrders().forEach(orderId -> args.add(orderId.toString()));
        snapshot.returnedOrders().forEach(orderId -> args.add(orderId.toString()));
        Long tokens = redis.execute(LOAD, List.of(keys.meta(item.id()), keys.tokens(item.id()), keys.buyers(item.id()),
                keys.pending(item.id()), keys.confirmed(item.id()), keys.withdrawn(item.id()), keys.returned(item.id())),
                args.toArray());
        announceRestock(item.id());
        return tokens;
    }

    /**
     * Sets the item's tokens and buyers to PostgreSQL's if nothing moved since {@code measuredTokens}
     * was read and the gate counts as many confirmed orders as the snapshot (see repair.lua).
     * Returns whether it did.
     */
    public boolean repair(long itemId, long measuredTokens, GateSnapshot truth) {
        List<String> args = new ArrayList<>(3 + 2 * truth.holdings().size());
        args.add(Long.toString(measuredTokens));
        args.add(Integer.toString(truth.confirmedOrders().size()));
        args.add(Integer.toString(truth.available()));
        truth.holdings().forEach((user, units) -> {
            args.add(user);
            args.add(Integer.toString(units));
        });
        Long repaired = redis.execute(REPAIR, List.of(keys.tokens(itemId), keys.pending(itemId), keys.confirmed(itemId),
                keys.buyers(itemId)), args.toArray());
        if (repaired != null && repaired == 1) {
            announceRestock(itemId);
            return true;
        }
        return false;
    }

    /**
     * Records confirmed orders of one item in chunks of 1,000 (see {@link #confirm}), for the
     * reconciler's repair. Returns how many the gate had not counted yet.
     */
    public long confirmAll(long itemId, List<SettledOrder> orders) {
        long applied = 0;
        for (int from = 0; from < orders.size(); from += 1_000) {
            applied += confirm(itemId, orders.subList(from, Math.min(orders.size(), from + 1_000)));
        }
        return applied;
    }

    /** Units of this item moved without coming back for anybody (to standing orders): the event streams read the figure again. */
    void unitsMoved(long itemId) {
        live.unitsMoved(itemId);
    }

    /**
     * Units of this item may be back: every API instance drops its sold-out flag for it (this one
     * at once, the others through pub/sub). If the message is lost, the flags expire on their own.
     * The event streams hear of it with the next announcement of moved units ({@link LiveChanges}).
     */
    void announceRestock(long itemId) {
        soldOut.clear(itemId);
        live.unitsMoved(itemId);
        try {
            redis.convertAndSend(keys.restockChannel(), Long.toString(itemId));
        } catch (RuntimeException e) {
            log.warn("Could not announce that item {} has units again; other instances wait for their flags to expire: {}",
                    itemId, e.toString());
        }
    }

    /** A reservation taken by reserve.lua and not yet confirmed or released. */
    public record PendingReservation(UUID orderId, long itemId, String userId, int quantity, Instant deadline) {
    }

    public List<PendingReservation> pendingReservations(long itemId) {
        List<PendingReservation> reservations = new ArrayList<>();
        redis.<String, String>opsForHash().entries(keys.pending(itemId)).forEach((orderId, entry) -> {
            String[] parts = entry.split("\\|");
            int last = parts.length - 1;
            String userId = String.join("|", java.util.Arrays.copyOf(parts, last - 1));
            reservations.add(new PendingReservation(UUID.fromString(orderId), itemId, userId,
                    Integer.parseInt(parts[last - 1]), Instant.ofEpochMilli(Long.parseLong(parts[last]))));
        });
        return reservations;
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
        live.unitsMoved(itemId);
    }

    /** Whether the item's state is in Redis at all (it is lost after a flush or a restart without persistence). */
    public boolean isLoaded(long itemId) {
        return Boolean.TRUE.equals(redis.hasKey(keys.meta(itemId))) && Boolean.TRUE.equals(redis.hasKey(keys.tokens(itemId)));
    }

    /** Units the gate may still admit, or empty if the item is not loaded. */
    public Optional<Long> tokens(long itemId) {
        return Optional.ofNullable(redis.opsForValue().get(keys.tokens(itemId))).map(Long::valueOf);
    }

    /**
     * The script's text, read once. A script made from the resource itself checks the resource for
     * changes on every call, which inside the jar costs more CPU than the Redis round trip (ADR 0008).
     */
    @SuppressWarnings("unchecked")
    static <T> RedisScript<T> script(String verb, Class<?> resultType) {
        try {
            String text = new ClassPathResource("redis/" + verb + ".lua").getContentAsString(StandardCharsets.UTF_8);
            return (RedisScript<T>) RedisScript.of(text, resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the gate's " + verb + " script", e);
        }
    }
}
