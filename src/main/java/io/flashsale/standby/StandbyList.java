package io.flashsale.standby;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import io.flashsale.admission.gate.GateReturns.StandingOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code standby} table. Every change of a row's status is one conditional UPDATE from WAITING,
 * so a buyer withdrawing, the sale ending and the gate serving the same standing order cannot both
 * win. A standing order is served as one order whose id is derived from its own, so a server that
 * crashed after the gate admitted it finds the same order again.
 */
@Repository
class StandbyList {

    /** Fixed forever: a served standing order's order id must be the same in every process and release. */
    private static final NameBasedGenerator ORDER_IDS =
            Generators.nameBasedGenerator(UUID.fromString("2f6b9a7e-0c41-4c3e-9d55-7a1e3f0b6c28"));

    private final JdbcClient jdbc;

    StandbyList(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    static UUID orderIdOf(UUID standbyId) {
        return ORDER_IDS.generate("standby:" + standbyId);
    }

    /** Adds a WAITING row; empty if the buyer already waits for this item. */
    Optional<UUID> add(long itemId, String userId, int quantity) {
        return jdbc.sql(
                        """
                        INSERT INTO standby (standby_id, item_id, user_id, quantity) VALUES (?, ?, ?, ?)
                        ON CONFLICT (item_id, user_id) WHERE status = 'WAITING' DO NOTHING RETURNING standby_id
                        """)
                .params(UUID.randomUUID(), itemId, userId, quantity)
                .query(UUID.class)
                .optional();
    }

    Optional<Standing> waitingOf(long itemId, String userId) {
        return jdbc.sql(select("s.item_id = ? AND s.user_id = ? AND s.status = 'WAITING'"))
                .params(itemId, userId)
                .query(StandbyList::standing)
                .optional();
    }

    Optional<Standing> find(UUID standbyId) {
        return jdbc.sql(select("s.standby_id = ?"))
                .param(standbyId)
                .query(StandbyList::standing)
                .optional();
    }

    /** WAITING → WITHDRAWN; false if it was not waiting. */
    boolean withdraw(UUID standbyId) {
        return jdbc.sql(
                                "UPDATE standby SET status = 'WITHDRAWN', ended_at = now() WHERE standby_id = ? AND status = 'WAITING'")
                        .param(standbyId)
                        .update()
                == 1;
    }

    /** A waiting buyer and the order it would be served as. */
    record Candidate(UUID standbyId, StandingOrder order) {}

    /** The first {@code limit} buyers waiting for the item, oldest first. */
    List<Candidate> waiting(long itemId, int limit) {
        return jdbc.sql("SELECT standby_id, user_id, quantity FROM standby WHERE item_id = ? AND status = 'WAITING'"
                        + " ORDER BY seq LIMIT ?")
                .params(itemId, limit)
                .query((rs, row) -> {
                    UUID standbyId = rs.getObject("standby_id", UUID.class);
                    return new Candidate(
                            standbyId,
                            new StandingOrder(orderIdOf(standbyId), rs.getString("user_id"), rs.getInt("quantity")));
                })
                .list();
    }

    List<Long> itemsWithWaiting() {
        return jdbc.sql("SELECT DISTINCT item_id FROM standby WHERE status = 'WAITING'")
                .query(Long.class)
                .list();
    }

    long waitingCount() {
        return jdbc.sql("SELECT count(*) FROM standby WHERE status = 'WAITING'")
                .query(Long.class)
                .single();
    }

    /** WAITING → EXPIRED for every item whose sale has ended; returns how many. */
    int expireEnded() {
        return jdbc.sql(
                        """
                        UPDATE standby s SET status = 'EXPIRED', ended_at = now()
                        FROM flash_sale_items i JOIN flash_sales f ON f.id = i.sale_id
                        WHERE s.item_id = i.id AND s.status = 'WAITING' AND f.ends_at <= now()
                        """)
                .update();
    }

    private static String select(String where) {
        return """
                SELECT s.standby_id, s.item_id, s.user_id, s.quantity, s.status, s.order_id,
                       CASE WHEN s.status = 'WAITING' THEN (SELECT count(*) FROM standby w WHERE w.item_id = s.item_id
                                                           AND w.status = 'WAITING' AND w.seq <= s.seq) END AS position
                FROM standby s WHERE\s"""
                + where;
    }

    private static Standing standing(ResultSet rs, int row) throws SQLException {
        long position = rs.getLong("position");
        return new Standing(
                rs.getObject("standby_id", UUID.class),
                rs.getLong("item_id"),
                rs.getString("user_id"),
                rs.getInt("quantity"),
                rs.getString("status"),
                rs.wasNull() ? null : (int) position,
                rs.getObject("order_id", UUID.class));
    }
}
