package io.flashsale.settlement;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** How a failed settlement is handled: see docs/adr/0006-settlement-failure-handling.md. */
enum FailureKind {

    /** PostgreSQL cannot be reached: wait for it (circuit breaker), it is no fault of the order. */
    DATABASE_DOWN,
    /**
     * Deadlock, serialization failure, timeout, or an error nobody foresaw: try again after a
     * growing delay, a few times, then dead-letter it.
     */
    TRANSIENT,
    /** A constraint or schema violation: it will fail again however often it is tried, dead-letter it now. */
    PERMANENT;

    static FailureKind of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException
                    || cause instanceof CannotCreateTransactionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLRecoverableException
                    || isConnectionState(cause)) {
                return DATABASE_DOWN;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TransientDataAccessException
                    || cause instanceof RecoverableDataAccessException
                    || cause instanceof SQLTransientException
                    || isTransientState(cause)) {
                return TRANSIENT;
            }
            if (cause instanceof NonTransientDataAccessException || isIntegrityState(cause)) {
                return PERMANENT;
            }
        }
        return TRANSIENT;
    }

    /** SQLSTATE class 08 (connection exception) and 57P01..03 (server shutting down or starting). */
    private static boolean isConnectionState(Throwable cause) {
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** SQLSTATE class 22 (data exception) and 23 (integrity constraint violation). */
    private static boolean isIntegrityState(Throwable cause) {
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57014 query canceled. */
    private static boolean isTransientState(Throwable cause) {
        String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
        return state != null && (state.startsWith("40") || state.equals("55P03") || state.equals("57014"));
    }
}
