package io.flashsale.shared;

import io.lettuce.core.RedisException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.ClusterRedirectException;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Redis, RabbitMQ or PostgreSQL out of reach: a 503 {@code UNAVAILABLE} with {@code Retry-After: 1},
 * as problem details; the client may retry later. Redis errors that Spring Data Redis does not
 * classify further (a connection reset mid-command, CLUSTERDOWN while a cluster fails over, a
 * redirect loop) are outages of the same kind.
 * <p>
 * The same outage may also arrive wrapped in an exception that names none of them: the connection
 * died inside a transaction and its rollback failed too ({@code TransactionSystemException}, whose
 * application exception is the outage), or a transaction could not begin. {@link #isOutage} looks
 * through those, and {@link ProblemDetailsAdvice} asks it before it answers 500.
 * <p>
 * Asked before {@link ProblemDetailsAdvice}: Spring MVC takes the first advice that has a handler
 * for the exception, and that one's handler of any {@code Exception} would answer 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BackingServiceOutages {

    /** The answer was ProblemDetailsAdvice's; its log line keeps that logger. */
    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler({
        RedisConnectionFailureException.class,
        QueryTimeoutException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        AmqpException.class,
        RedisSystemException.class,
        ClusterStateFailureException.class,
        ClusterRedirectException.class,
        TooManyClusterRedirectionsException.class,
        RedisException.class
    })
    ResponseEntity<ProblemDetail> unavailable(Exception e) {
        return answer(e);
    }

    /** The 503 for {@code e}, which {@link #isOutage} says is an outage. */
    static ResponseEntity<ProblemDetail> answer(Exception e) {
        log.warn("Answering 503: {}", e.toString());
        var response =
                ProblemDetailsAdvice.problem(ErrorCode.UNAVAILABLE, "A backing service is unavailable, retry later");
        return ResponseEntity.status(response.getStatusCode())
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(response.getBody());
    }

    /**
     * Whether {@code failure}, its causes, or the exception a failed rollback replaced, is an outage
     * of PostgreSQL, Redis or RabbitMQ: the exception types above, a transaction that could not begin,
     * commit or roll back, a JDBC driver's transient or recoverable exception, or SQLSTATE class 08 (connection
     * exception), 53 (insufficient resources) or 57P (the server shutting down or starting).
     */
    public static boolean isOutage(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> next = new ArrayDeque<>();
        next.add(failure);
        while (!next.isEmpty()) {
            Throwable link = next.poll();
            if (!seen.add(link)) {
                continue;
            }
            if (isOutageItself(link)) {
                return true;
            }
            if (link.getCause() != null) {
                next.add(link.getCause());
            }
            if (link instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
                next.add(rollback.getApplicationException());
            }
        }
        return false;
    }

    private static boolean isOutageItself(Throwable link) {
        return link instanceof DataAccessResourceFailureException
                || link instanceof TransientDataAccessException
                || link instanceof RecoverableDataAccessException
                || link instanceof CannotCreateTransactionException
                || link instanceof TransactionSystemException failed && isFailedCommitOrRollback(failed)
                || link instanceof AmqpException
                || link instanceof RedisSystemException
                || link instanceof ClusterStateFailureException
                || link instanceof ClusterRedirectException
                || link instanceof TooManyClusterRedirectionsException
                || link instanceof RedisException
                || link instanceof SQLTransientException
                || link instanceof SQLRecoverableException
                || link instanceof SQLException sql && isOutageState(sql.getSQLState());
    }

    /**
     * A commit or rollback that failed with nothing of ours to blame: Spring keeps the exception it
     * rolled back for as the application exception, and the walk judges that one. Without one, the
     * transaction's own protocol failed on the connection (a commit whose rollback then failed on the
     * closed connection keeps no link to the commit's outage; HikariCP's closed connection says so in
     * an SQLException without a SQLSTATE), which is PostgreSQL out of reach.
     */
    private static boolean isFailedCommitOrRollback(TransactionSystemException failed) {
        return failed.getApplicationException() == null;
    }

    private static boolean isOutageState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
    }
}
