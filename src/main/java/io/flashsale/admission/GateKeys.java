package io.flashsale.admission;

import java.util.UUID;

/**
 * Redis key names. Keys of one item share the hash tag {@code {item:<id>}}, so on Redis Cluster they
 * live in one slot and one Lua script may touch them all.
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

    public String idempotency(long itemId, String userId, String key) {
        return item(itemId) + "idem:" + userId + ":" + key;
    }

    public String orderStatus(UUID orderId) {
        return prefix + ":order:" + orderId;
    }

    /** Pub/sub channel: an item's units came back (release, warm-up); sold-out flags must go. */
    public String restockChannel() {
        return prefix + ":events:restocked";
    }

    /** Pub/sub channel: an admin created or warmed up a sale; catalog caches must forget it. */
    public String catalogChannel() {
        return prefix + ":events:catalog";
    }

    private String item(long itemId) {
        return prefix + ":{item:" + itemId + "}:";
    }
}
