package io.flashsale.admission.gate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/** A buyer's Idempotency-Keys in Redis: which request each one names, and its release after a withdrawal. */
@Component
public class IdempotencyKeys {

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final AdmissionProperties settings;

    IdempotencyKeys(StringRedisTemplate redis, RedisGate gate, AdmissionProperties settings) {
        this.redis = redis;
        this.keys = gate.keys();
        this.settings = settings;
    }

    /**
     * Binds a buyer's Idempotency-Key to one request ({@code fingerprint}: what the request asks
     * for) the first time it is used. Returns the fingerprint it is bound to if that is another
     * one, else empty.
     */
    public Optional<String> bind(String userId, String key, String fingerprint) {
        String binding = keys.idempotencyRequest(userId, key);
        if (Boolean.TRUE.equals(redis.opsForValue()
                .setIfAbsent(binding, fingerprint, settings.gate().idempotencyTtl()))) {
            return Optional.empty();
        }
        return Optional.ofNullable(redis.opsForValue().get(binding)).filter(bound -> !bound.equals(fingerprint));
    }

    /**
     * After a withdrawal: the order's id is spent (a retry of the same request is admitted under a
     * fresh one) and the key is free again.
     */
    public void forget(long itemId, UUID withdrawnOrder, String userId, String key) {
        redis.opsForSet().add(keys.withdrawn(itemId), withdrawnOrder.toString());
        redis.delete(List.of(keys.idempotency(itemId, userId, key), keys.idempotencyRequest(userId, key)));
    }
}
