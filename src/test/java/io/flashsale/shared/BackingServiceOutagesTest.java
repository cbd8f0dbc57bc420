package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An outage of Redis, PostgreSQL or RabbitMQ is a 503 whatever shape its exception takes (P5: no 5xx but 503). */
class BackingServiceOutagesTest {

    @Test
    void everyKindOfRedisFailureIsAnswered503WithRetryAfter() {
        var advice = new BackingServiceOutages();
        List<Exception> failures = List.of(
                new RedisSystemException("Connection reset", new RedisException("Connection reset by peer")),
                new ClusterStateFailureException("CLUSTERDOWN The cluster is down"),
                new TooManyClusterRedirectionsException("redirected 5 times"),
                new RedisCommandTimeoutException("Command timed out"));

        for (Exception failure : failures) {
            var answer = advice.unavailable(failure);
            assertThat(answer.getStatusCode().value()).as(failure.toString()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(answer.getBody().getProperties()).containsEntry("code", "UNAVAILABLE");
        }
    }

    /**
     * The shapes an outage took on its way out of a transaction (seed 703 of the chaos run: the
     * connection was terminated inside a cancel, and its rollback failed on the dead connection).
     */
    @Test
    void anOutageWrappedByTheTransactionOrAFutureIsStill503() {
        var advice = new ProblemDetailsAdvice();
        var rollbackFailed = new TransactionSystemException(
                "JDBC rollback failed", new SQLException("This connection has been closed.", "08003"));
        rollbackFailed.initApplicationException(
                new DataAccessResourceFailureException("terminating connection due to administrator command"));
        var rollbackFailedOnly = new TransactionSystemException(
                "JDBC rollback failed", new SQLException("This connection has been closed.", "08003"));
        var noConnection = new CannotCreateTransactionException(
                "Could not open JDBC Connection for transaction",
                new SQLTransientConnectionException("Connection is not available, request timed out after 2000ms"));
        var shuttingDown = new UncategorizedSQLException(
                "cancel", "UPDATE orders", new SQLException("the database system is shutting down", "57P03"));
        var inAFuture = new CompletionException(new RedisConnectionFailureException("Unable to connect to Redis"));
        // a commit on a terminated connection: Spring rolls back, HikariCP's closed connection refuses
        // without a SQLSTATE, and the rollback's exception replaces the commit's, which is only logged
        var commitThenRollbackFailed =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        List<Exception> outages = List.of(
                rollbackFailed, rollbackFailedOnly, noConnection, shuttingDown, inAFuture, commitThenRollbackFailed);

        for (Exception outage : outages) {
            var answer = advice.unexpected(outage);
            assertThat(answer.getStatusCode().value()).as(outage.toString()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(answer.getBody().getProperties()).containsEntry("code", "UNAVAILABLE");
        }
    }

    @Test
    void aFaultOfOursIsStill500WhateverWrapsIt() {
        var advice = new ProblemDetailsAdvice();
        var ourBug = new TransactionSystemException("JDBC commit failed", new SQLException("internal error", "XX000"));
        ourBug.initApplicationException(new IllegalStateException("a bug"));
        var ourBugThenRollbackFailed =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        ourBugThenRollbackFailed.initApplicationException(new IllegalStateException("a bug"));
        var brokenRow = new DataIntegrityViolationException(
                "check constraint", new SQLException("violates check constraint", "23514"));
        List<Exception> faults = List.of(
                new IllegalStateException("a bug"),
                ourBug,
                ourBugThenRollbackFailed,
                brokenRow,
                new CompletionException(new NullPointerException()));

        for (Exception fault : faults) {
            assertThat(BackingServiceOutages.isOutage(fault))
                    .as(fault.toString())
                    .isFalse();
            assertThat(advice.unexpected(fault).getStatusCode().value())
                    .as(fault.toString())
                    .isEqualTo(500);
        }
    }

    @RestController
    static class FailingController {

        @GetMapping("/redis-away")
        String redisAway() {
            throw new RedisSystemException("Connection reset", new RedisException("Connection reset by peer"));
        }
    }

    @Test
    void itIsAskedBeforeTheAdviceThatAnswersAnyOtherException() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new FailingController())
                .setControllerAdvice(new ProblemDetailsAdvice(), new BackingServiceOutages())
                .build();

        var answer = mvc.perform(get("/redis-away")).andReturn().getResponse();

        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeader("Retry-After")).isEqualTo("1");
    }
}
