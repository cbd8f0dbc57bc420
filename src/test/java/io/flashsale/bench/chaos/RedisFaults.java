package io.flashsale.bench.chaos;

import java.util.Map;

/**
 * Redis losing state: one item's keys, every key of the run (FLUSHALL on the run's own Redis), or
 * a whole server (restarted empty).
 * The app must answer 503 for a lost item until the reconciler rebuilds it from PostgreSQL, and
 * no sale may be wrong meanwhile.
 */
final class RedisFaults implements FaultHandler {

    private final RedisNodes redis;
    private final String prefix;
    private final Map<String, Long> items;

    RedisFaults(RedisNodes redis, String prefix, Map<String, Long> items) {
        this.redis = redis;
        this.prefix = prefix;
        this.items = items;
    }

    @Override
    public void apply(Fault fault) throws Exception {
        switch (fault.kind()) {
            // The pattern names the hash tag the app's GateKeys put in every key of an item.
            case REDIS_ITEM_KEYS -> redis.deleteMatching(prefix + ":{item:" + items.get(fault.target()) + "}:*");
            case REDIS_FLUSH -> redis.flush(prefix);
            case REDIS_RESTART -> redis.restart(Integer.parseInt(fault.target()));
            default -> throw new IllegalArgumentException(fault.kind() + " is not a Redis fault");
        }
    }
}
