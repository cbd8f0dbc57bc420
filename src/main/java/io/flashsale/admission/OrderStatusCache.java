package io.flashsale.admission;

import io.flashsale.admission.events.LiveChanges;
import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateKeys;
import io.flashsale.admission.gate.OrderStatusRecords;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderRequested;
import io.flashsale.shared.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
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
public class OrderStatusCache implements OrderStatusRecords {

    private final StringRedisTemplate redis;
    private final GateKeys keys;
    private final AdmissionProperties settings;
    private final LiveChanges live;

    OrderStatusCache(StringRedisTemplate redis, RedisGate gate, AdmissionProperties settings, LiveChanges live) {
        this.redis = redis;
        this.keys = gate.keys();
        this.settings = settings;
        this.live = live;
    }

    /** One pipeline for a burst of admitted orders (see {@link BurstSender}). */
    void markPending(Collection<OrderRequested> orders) {
        // NX: a final status written by a fast settlement must not be hidden (ADR 0005).
        write(
                orders.stream().map(OrderView::pending).toList(),
                settings.reservation().ttl().plus(settings.gate().statusTtl()),
                SetOption.ifAbsent(),
                true);
    }

    /**
     * Since when every PENDING order is in the cache: the first burst after Redis lost its data
     * (or ever) writes the time, and only if it is missing. Empty if no burst has been cached since
     * the last loss.
     */
    Optional<Instant> completeSince() {
        return Optional.ofNullable(redis.opsForValue().get(keys.statusesCompleteSince()))
                .map(millis -> Instant.ofEpochMilli(Long.parseLong(millis)));
    }

    /** Caches final statuses, then announces them to the event streams of every api instance. */
    @Override
    public void record(Collection<SettledOrder> orders) {
        List<OrderView> views = orders.stream().map(OrderView::of).toList();
        write(views, settings.gate().statusTtl(), SetOption.upsert(), false);
        live.ordersChanged(views);
    }

    private void write(List<OrderView> orders, Duration ttl, SetOption option, boolean markComplete) {
        Expiration expiration = Expiration.from(ttl);
        redis.executePipelined((RedisCallback<Object>) connection -> {
            if (markComplete) {
                connection
                        .stringCommands()
                        .set(
                                bytes(keys.statusesCompleteSince()),
                                bytes(Long.toString(System.currentTimeMillis())),
                                Expiration.persistent(),
                                SetOption.ifAbsent());
            }
            for (OrderView order : orders) {
                connection
                        .stringCommands()
                        .set(bytes(keys.orderStatus(order.orderId())), bytes(encode(order)), expiration, option);
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

    /** {@code itemId|quantity|STATUS|reason|buyer}: the buyer last, as it may contain {@code |} itself. */
    static String encode(OrderView order) {
        return order.itemId() + "|" + order.quantity() + "|" + order.status() + "|"
                + (order.reason() == null ? "" : order.reason()) + "|" + order.userId();
    }

    static OrderView decode(UUID orderId, String value) {
        String[] parts = value.split("\\|", 5);
        return new OrderView(
                orderId,
                Long.parseLong(parts[0]),
                parts[4],
                Integer.parseInt(parts[1]),
                OrderStatus.valueOf(parts[2]),
                parts[3].isEmpty() ? null : parts[3]);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
