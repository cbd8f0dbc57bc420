package io.flashsale.support;

import io.flashsale.admission.gate.GateKeys;
import java.util.List;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/** What Redis losing its data looks like to one deployment (its key prefix), without touching others'. */
public final class RedisLoss {

    private RedisLoss() {}

    /** Every key of the deployment, as a FLUSHDB or a restart without persistence would lose them. */
    public static void everything(StringRedisTemplate redis, GateKeys keys) {
        try (var found = redis.scan(ScanOptions.scanOptions()
                .match(keys.prefix() + ":*")
                .count(1000)
                .build())) {
            found.forEachRemaining(redis::delete);
        }
    }

    /** Every key of one item (the gate's state of it), as when a node of a cluster loses its slot. */
    public static void item(StringRedisTemplate redis, GateKeys keys, long itemId) {
        redis.delete(List.of(
                keys.meta(itemId),
                keys.tokens(itemId),
                keys.buyers(itemId),
                keys.pending(itemId),
                keys.confirmed(itemId),
                keys.withdrawn(itemId)));
    }
}
