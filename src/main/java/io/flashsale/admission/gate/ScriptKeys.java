package io.flashsale.admission.gate;

import java.util.List;

/**
 * The keys each of the gate's Lua scripts takes, in the order its header gives them
 * ({@code KEYS[1]} first): one list per script under {@code resources/redis}.
 */
record ScriptKeys(GateKeys keys) {

    /** reserve.lua's; a request with an Idempotency-Key adds its {@link GateKeys#idempotency} key. */
    List<String> reserve(long itemId) {
        return List.of(
                keys.meta(itemId),
                keys.tokens(itemId),
                keys.buyers(itemId),
                keys.pending(itemId),
                keys.confirmed(itemId),
                keys.withdrawn(itemId));
    }

    /** release.lua's. */
    List<String> release(long itemId) {
        return List.of(keys.tokens(itemId), keys.buyers(itemId), keys.pending(itemId));
    }

    /** confirm.lua's. */
    List<String> confirm(long itemId) {
        return List.of(
                keys.tokens(itemId),
                keys.buyers(itemId),
                keys.pending(itemId),
                keys.confirmed(itemId),
                keys.returned(itemId));
    }

    /** load.lua's. */
    List<String> load(long itemId) {
        return List.of(
                keys.meta(itemId),
                keys.tokens(itemId),
                keys.buyers(itemId),
                keys.pending(itemId),
                keys.confirmed(itemId),
                keys.withdrawn(itemId),
                keys.returned(itemId));
    }

    /** repair.lua's. */
    List<String> repair(long itemId) {
        return List.of(keys.tokens(itemId), keys.pending(itemId), keys.confirmed(itemId), keys.buyers(itemId));
    }

    /** restock.lua's. */
    List<String> restock(long itemId) {
        return List.of(
                keys.meta(itemId),
                keys.tokens(itemId),
                keys.buyers(itemId),
                keys.pending(itemId),
                keys.confirmed(itemId),
                keys.returned(itemId),
                keys.withdrawn(itemId));
    }
}
