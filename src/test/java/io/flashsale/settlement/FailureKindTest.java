package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** The SQLSTATE classification of a failed settlement, without a database. */
class FailureKindTest {

    @Test
    void connectionStatesMeanTheDatabaseIsDown() {
        assertThat(FailureKind.of(wrapped("08006"))).isEqualTo(FailureKind.DATABASE_DOWN);
        assertThat(FailureKind.of(wrapped("57P01"))).isEqualTo(FailureKind.DATABASE_DOWN);
        assertThat(FailureKind.of(new CannotGetJdbcConnectionException("no connection")))
                .isEqualTo(FailureKind.DATABASE_DOWN);
    }

    @Test
    void serializationDeadlockLockAndCancelAreTransient() {
        for (String state : new String[] {"40001", "40P01", "55P03", "57014"}) {
            assertThat(FailureKind.of(wrapped(state))).as(state).isEqualTo(FailureKind.TRANSIENT);
        }
    }

    @Test
    void dataAndIntegrityViolationsArePermanent() {
        assertThat(FailureKind.of(wrapped("23505"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(wrapped("22003"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(FailureKind.of(new DataIntegrityViolationException("check"))).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void anUnforeseenFailureIsTriedAgain() {
        assertThat(FailureKind.of(new IllegalStateException("surprise"))).isEqualTo(FailureKind.TRANSIENT);
        assertThat(FailureKind.of(wrapped("XX000"))).isEqualTo(FailureKind.TRANSIENT);
    }

    /** The driver's exception with its SQLSTATE, as the cause of whatever the caller saw. */
    private static RuntimeException wrapped(String sqlState) {
        return new RuntimeException("settle failed", new SQLException("failed", sqlState));
    }
}
