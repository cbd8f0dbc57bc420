package io.flashsale.recovery;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciler leads at a time, across all processes: the one whose database session holds a
 * PostgreSQL advisory lock. The lock belongs to the session, so when the leader dies, or its
 * connection does, PostgreSQL releases it and a standing-by instance takes it on its next try.
 */
class ReconcilerLeadership implements AutoCloseable {

    /** Arbitrary, fixed: "flashsale reconciler". */
    private static final long LOCK_KEY = 0x666c617368L;

    private static final Logger log = LoggerFactory.getLogger(ReconcilerLeadership.class);

    private final DataSource dataSource;
    private Connection session;
    /** Written under the lock; read without it by the leader gauge, so a scrape never waits for a database that hangs. */
    private volatile boolean leader;

    ReconcilerLeadership(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Tries to become (or checks it still is) the leader. */
    synchronized boolean isLeader() {
        try {
            if (session == null || !session.isValid(2)) {
                closeSession();
                session = dataSource.getConnection();
                session.setAutoCommit(true);
            }
            if (!leader) {
                try (var statement = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    statement.setLong(1, LOCK_KEY);
                    try (var result = statement.executeQuery()) {
                        result.next();
                        leader = result.getBoolean(1);
                    }
                }
                if (leader) {
                    log.info("This process is now the reconciler leader");
                }
            }
        } catch (SQLException e) {
            if (leader) {
                log.warn("Lost the reconciler leadership: {}", e.toString());
            }
            closeSession();
        }
        return leader;
    }

    /**
     * What the last try found, without trying again: not synchronized, since {@link #isLeader()}
     * holds the lock while it waits for a connection (seconds, with PostgreSQL down) and the
     * Prometheus scrape reads this (ADR 0071).
     */
    boolean holdsLeadership() {
        return leader;
    }

    @Override
    public synchronized void close() {
        closeSession();
    }

    /**
     * The connection goes back to the pool, where it lives on: a lock it still held would be held
     * by whoever borrows it next, so it is released first.
     */
    private void closeSession() {
        if (session != null) {
            try (var connection = session;
                    var statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                if (leader) {
                    statement.setLong(1, LOCK_KEY);
                    statement.execute();
                }
            } catch (SQLException ignored) {
                // a broken session has lost its lock with it
            }
            session = null;
        }
        leader = false;
    }
}
