package io.flashsale.bench.chaos;

import io.flashsale.support.IsolatedEnvironment;
import java.sql.DriverManager;
import java.util.Map;

/**
 * PostgreSQL faults limited to the run's own database: every backend of it terminated (each pool
 * loses its connections at once), or one item's row locked for a while, as a long transaction of
 * an admin or a stuck batch would.
 */
final class PostgresFaults implements FaultHandler {

    private final String database;
    private final Map<String, Long> items;

    PostgresFaults(String database, Map<String, Long> items) {
        this.database = database;
        this.items = items;
    }

    @Override
    public void apply(Fault fault) throws Exception {
        switch (fault.kind()) {
            case PG_TERMINATE -> {
                try (var connection =
                                DriverManager.getConnection(IsolatedEnvironment.POSTGRES + "postgres", "postgres", "");
                        var statement = connection.prepareStatement(
                                """
                             SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                             WHERE datname = ? AND pid <> pg_backend_pid()""")) {
                    statement.setString(1, database);
                    statement.executeQuery().close();
                }
            }
            case PG_LOCK -> {
                try (var connection =
                                DriverManager.getConnection(IsolatedEnvironment.POSTGRES + database, "postgres", "");
                        var statement = connection.prepareStatement(
                                "SELECT id FROM flash_sale_items WHERE id = ? FOR UPDATE")) {
                    connection.setAutoCommit(false);
                    statement.setLong(1, items.get(fault.target()));
                    statement.executeQuery().close();
                    FaultHandler.hold(fault);
                    connection.rollback();
                }
            }
            default -> throw new IllegalArgumentException(fault.kind() + " is not a PostgreSQL fault");
        }
    }
}
