package io.flashsale.admission;

import io.flashsale.settlement.SettledOrder;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.stereotype.Component;

/**
 * Order statuses cached in Redis, so that a buyer polling a PENDING order never costs a database
 * query. A PENDING entry is written with NX: if settlement was faster and already wrote the final
 * status, the slower PENDING write must not hide it.
 */
@Component
class OrderStatusCache {

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final AdmissionProperties settings;

    OrderStatusCache(StringRedisTemplate redis, RedisGate gate, AdmissionProperties settings) {
        this.redis = redis;
        this.keys = gate.keys();
        this.settings = settings;
    }

    /** One pipeline for a burst of admitted orders (see {@link OrderRequestedPublisher}). */
    void markPending(Collection<OrderRequested> orders) {
        Expiration ttl = Expiration.from(settings.reservation().ttl().plus(settings.gate().statusTtl()));
        redis.executePipelined((RedisCallback<Object>) connection -> {
            for (OrderRequested order : orders) {
                connection.stringCommands().set(bytes(keys.orderStatus(order.orderId())),
                        bytes(encode(OrderView.pending(order))), ttl, SetOption.ifAbsent());
            }
            return null;
        });
    }

    void record(Collection<SettledOrder> orders) {
        Expiration ttl = Expiration.from(settings.gate().statusTtl());
        redis.executePipelined((RedisCallback<Object>) connection -> {
            for (SettledOrder order : orders) {
                connection.stringCommands().set(bytes(keys.orderStatus(order.orderId())),
                        bytes(encode(OrderView.of(order))), ttl, SetOption.upsert());
            }
            return null;
        });
    }

    void forget(UUID orderId) {
        redis.delete(keys.orderStatus(orderId));
    }

    Optional<OrderView> find(UUID orderId) {
        return Optional.ofNullable(redis.opsForValue().get(keys.orderStatus(orderId)))
                .map(value -> decode(orderId, value));
    }

    private static String encode(OrderView order) {
        return order.itemId() + "|" + order.quantity() + "|" + order.status() + "|"
                + (order.reason() == null ? "" : order.reason()) + "|" + order.userId();
    }

    private static OrderView decode(UUID orderId, String value) {
        String[] parts = value.split("\\|", 5);
        return new OrderView(orderId, Long.parseLong(parts[0]), parts[4], Integer.parseInt(parts[1]),
                OrderStatus.valueOf(parts[2]), parts[3].isEmpty() ? null : parts[3]);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
