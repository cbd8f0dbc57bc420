package io.flashsale.standby;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code standby} rows the gate served: WAITING → SERVED with the order they are served as, and
 * {@code queued_at} once the broker confirmed that order.
 */
@Repository
class StandbyServings {

    /** A SERVED standing order whose order the broker has not confirmed yet. */
    record Unqueued(UUID standbyId, long itemId, String userId, int quantity, UUID orderId, Instant deadline) {}

    private final JdbcClient jdbc;

    StandbyServings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A standing order the gate admitted, to be recorded as served by {@code orderId}. */
    record Serving(UUID standbyId, UUID orderId, Instant deadline, Instant unitReturnedAt) {}

    /**
     * WAITING → SERVED, one conditional UPDATE for all; returns the standing orders this call served
     * (not those withdrawn, expired, or served by another process meanwhile).
     */
    Set<UUID> serve(List<Serving> servings) {
        return new HashSet<>(jdbc.sql(
                        """
                        UPDATE standby s SET status = 'SERVED', order_id = a.order_id, ended_at = now(),
                                             order_deadline = a.deadline, unit_returned_at = a.returned_at
                        FROM unnest(?::uuid[], ?::uuid[], ?::timestamptz[], ?::timestamptz[])
                             AS a(standby_id, order_id, deadline, returned_at)
                        WHERE s.standby_id = a.standby_id AND s.status = 'WAITING'
                        RETURNING s.standby_id
                        """)
                .params(
                        servings.stream()
                                .map(serving -> serving.standbyId().toString())
                                .toArray(String[]::new),
                        servings.stream()
                                .map(serving -> serving.orderId().toString())
                                .toArray(String[]::new),
                        servings.stream()
                                .map(serving -> text(serving.deadline()))
                                .toArray(String[]::new),
                        servings.stream()
                                .map(serving -> text(serving.unitReturnedAt()))
                                .toArray(String[]::new))
                .query(UUID.class)
                .list());
    }

    void markQueued(UUID standbyId) {
        jdbc.sql("UPDATE standby SET queued_at = now() WHERE standby_id = ?")
                .param(standbyId)
                .update();
    }

    /** SERVED standing orders whose order the broker has not confirmed, served longer ago than {@code olderThan}. */
    List<Unqueued> unqueued(Duration olderThan, int limit) {
        return jdbc.sql(
                        """
                        SELECT standby_id, item_id, user_id, quantity, order_id, order_deadline FROM standby
                        WHERE status = 'SERVED' AND queued_at IS NULL AND ended_at < now() - ? * interval '1 millisecond'
                        ORDER BY ended_at LIMIT ?
                        """)
                .params(olderThan.toMillis(), limit)
                .query((rs, row) -> new Unqueued(
                        rs.getObject("standby_id", UUID.class),
                        rs.getLong("item_id"),
                        rs.getString("user_id"),
                        rs.getInt("quantity"),
                        rs.getObject("order_id", UUID.class),
                        instant(rs.getTimestamp("order_deadline"))))
                .list();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
