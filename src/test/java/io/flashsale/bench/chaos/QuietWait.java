package io.flashsale.bench.chaos;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.bench.chaos.SaleSetup.Item;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Waits, after every fault is lifted, until the system is quiet: no message in the run's queues
 * (ready or unacknowledged; the parking lot aside), no reservation pending, every item of a live
 * sale loaded in Redis, no hold open (every CONFIRMED order paid, cancelled or timed out: nobody
 * pays now, so that takes at most the payment window), every return's Redis half done, every order
 * made for a standing order queued, every order answered 202 with a row (or the same ones missing
 * for 15 s: those are lost); three looks in a row, a second apart. Gives up after the timeout: the checks
 * then say what is not settled.
 */
final class QuietWait {

    private final Broker broker;
    private final JdbcClient jdbc;
    private final StringRedisTemplate redis;
    private final GateKeys keys;

    QuietWait(Broker broker, JdbcClient jdbc, StringRedisTemplate redis, GateKeys keys) {
        this.broker = broker;
        this.jdbc = jdbc;
        this.redis = redis;
        this.keys = keys;
    }

    /** Returns what was still moving at the end: empty if quiet was reached. */
    String await(List<Item> items, Set<UUID> accepted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietLooks = 0;
        String moving = "not looked yet";
        String lastMissing = "";
        int sameMissing = 0;
        while (System.nanoTime() < deadline) {
            moving = whatMoves(items);
            if (moving.isEmpty()) {
                // Rows still missing when nothing else moves may never come (a lost order): after
                // 15 looks without change that is quiet too, and P1 and I3 say which orders.
                String missing = missingRows(accepted);
                sameMissing = missing.equals(lastMissing) ? sameMissing + 1 : 0;
                lastMissing = missing;
                moving = sameMissing >= 15 ? "" : missing;
            }
            quietLooks = moving.isEmpty() ? quietLooks + 1 : 0;
            if (quietLooks == 3) {
                return "";
            }
            AppMember.sleep(1_000);
        }
        return moving;
    }

    private String whatMoves(List<Item> items) {
        try {
            Map<String, Long> depths = broker.queueDepths();
            if (depths.isEmpty()) {
                return "the broker lists no queue";
            }
            for (var depth : depths.entrySet()) {
                if (depth.getValue() > 0 && !depth.getKey().endsWith(".parking-lot")) {
                    return depth.getKey() + " holds " + depth.getValue() + " messages";
                }
            }
            for (Item item : items) {
                // The reconciler rebuilds a lost item only while its sale is live; P4 reports an ended one.
                if (!item.hasEnded() && !Boolean.TRUE.equals(redis.hasKey(keys.tokens(item.id())))) {
                    return "item " + item.id() + " is not loaded in Redis";
                }
                long pending = redis.opsForHash().size(keys.pending(item.id()));
                if (pending > 0) {
                    return "item " + item.id() + " has " + pending + " pending reservations";
                }
            }
            return lifecycleMoving();
        } catch (RuntimeException e) {
            return "could not look: " + e;
        }
    }

    private String lifecycleMoving() {
        var open = jdbc.sql(
                        """
                        SELECT (SELECT count(*) FROM orders WHERE status = 'CONFIRMED' AND pay_by IS NOT NULL) AS holds,
                               (SELECT count(*) FROM orders WHERE status = 'CANCELLED' AND compensated_at IS NULL) AS returns,
                               (SELECT count(*) FROM standby WHERE status = 'SERVED' AND queued_at IS NULL) AS unqueued
                        """)
                .query()
                .singleRow();
        long holds = ((Number) open.get("holds")).longValue();
        long returns = ((Number) open.get("returns")).longValue();
        long unqueued = ((Number) open.get("unqueued")).longValue();
        return holds > 0
                ? holds + " CONFIRMED orders still within or past their payment window"
                : returns > 0
                        ? returns + " CANCELLED orders whose units have not reached the gate"
                        : unqueued > 0 ? unqueued + " orders of served standing orders not queued" : "";
    }

    private String missingRows(Set<UUID> accepted) {
        long rows = jdbc.sql("SELECT count(*) FROM orders WHERE order_id = ANY(?::uuid[])")
                .param(accepted.stream().map(UUID::toString).toArray(String[]::new))
                .query(Long.class)
                .single();
        return rows == accepted.size() ? "" : (accepted.size() - rows) + " accepted orders have no row";
    }
}
