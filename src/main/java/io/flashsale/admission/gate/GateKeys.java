package io.flashsale.admission.gate;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Redis key names. Keys of one item share the hash tag {@code {item:<id>}}, so on Redis Cluster they
 * live in one slot and one Lua script may touch them all.
 * <p>
 * A key made of values a client chose (buyer, Idempotency-Key) percent-encodes each of them
 * ({@link #segment}), so that the separator {@code :} only ever separates: joined raw, buyer
 * {@code alice} with key {@code x:1} and buyer {@code alice:x} with key {@code 1} were one key.
 * The keys each script takes, in its order, are listed by {@code ScriptKeys}.
 */
public record GateKeys(String prefix) {

    public String meta(long itemId) {
        return item(itemId) + "meta";
    }

    public String tokens(long itemId) {
        return item(itemId) + "tokens";
    }

    public String buyers(long itemId) {
        return item(itemId) + "buyers";
    }

    public String pending(long itemId) {
        return item(itemId) + "pending";
    }

    public String confirmed(long itemId) {
        return item(itemId) + "confirmed";
    }

    /** Orders whose units went back on sale after they were cancelled (see restock.lua): never counted again. */
    public String returned(long itemId) {
        return item(itemId) + "returned";
    }

    /** Orders the API withdrew after an unconfirmed publish: their ids are spent (see reserve.lua). */
    public String withdrawn(long itemId) {
        return item(itemId) + "withdrawn";
    }

    /** The order a buyer's Idempotency-Key was admitted as, for this item (written by reserve.lua). */
    public String idempotency(long itemId, String userId, String key) {
        return item(itemId) + "idem:" + segment(userId) + ":" + segment(key);
    }

    /**
     * The request a buyer's Idempotency-Key was first used for, whatever the item: the same key with
     * another body is refused. Hash-tagged by buyer, so buyers spread over a cluster's slots.
     */
    public String idempotencyRequest(String userId, String key) {
        return prefix + ":idem:{" + segment(userId) + "}:" + segment(key);
    }

    public String orderStatus(UUID orderId) {
        return prefix + ":order:" + orderId;
    }

    /** Since when (epoch ms) the status cache holds every PENDING order; gone when Redis loses its data. */
    public String statusesCompleteSince() {
        return prefix + ":statuses:complete-since";
    }

    /** Pub/sub channel: an item's units came back (release, warm-up); sold-out flags must go. */
    public String restockChannel() {
        return prefix + ":events:restocked";
    }

    /** Pub/sub channel: an admin created or warmed up a sale; catalog caches must forget it. */
    public String catalogChannel() {
        return prefix + ":events:catalog";
    }

    /**
     * Pub/sub channel: units of these items moved (a purchase, a release, a confirmation, a warm-up);
     * the event streams read their remaining units again (docs/adr/0050). Message: {@code itemId,itemId,...}.
     */
    public String stockChannel() {
        return prefix + ":events:stock";
    }

    /**
     * Pub/sub channel: these orders changed status; the event streams push them to their buyers
     * (docs/adr/0050). Message: one line per order, {@code orderId json}.
     */
    public String orderChannel() {
        return prefix + ":events:orders";
    }

    /** Percent-encoded: no {@code :}, {@code {}, {@code }} or {@code |} is left in a client's value. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String item(long itemId) {
        return prefix + ":{item:" + itemId + "}:";
    }
}
