package io.flashsale.support;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL terminating the connection of a request at a chosen point: a transaction of the test
 * takes a lock the request's statement (or its commit) will wait for, and once the request's
 * connection waits, it is terminated (as an administrator or a failover would).
 */
public final class KilledConnections {

    private KilledConnections() {}

    /**
     * Takes the lock {@code lockSql} (with {@code params}) in a transaction, sends {@code request},
     * terminates the connections waiting for that lock, rolls back, and returns the request's answer.
     */
    public static <T> T answerWithConnectionKilled(
            DataSource dataSource, JdbcClient jdbc, String lockSql, List<?> params, Callable<T> request)
            throws Exception {
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            int holderPid;
            try (var pid = holder.createStatement();
                    var rows = pid.executeQuery("SELECT pg_backend_pid()")) {
                rows.next();
                holderPid = rows.getInt(1);
            }
            try (var lock = holder.prepareStatement(lockSql)) {
                for (int i = 0; i < params.size(); i++) {
                    lock.setObject(i + 1, params.get(i));
                }
                lock.execute();
            }
            try (var sender = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<T> answer = sender.submit(request);
                List<Integer> waiting = await().atMost(Duration.ofSeconds(10))
                        .until(
                                () -> jdbc.sql("SELECT pid FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")
                                        .param(holderPid)
                                        .query(Integer.class)
                                        .list(),
                                pids -> !pids.isEmpty() || answer.isDone());
                waiting.forEach(pid -> jdbc.sql("SELECT pg_terminate_backend(?)")
                        .param(pid)
                        .query()
                        .listOfRows());
                holder.rollback();
                return answer.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
