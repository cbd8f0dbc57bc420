package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RoleTest {

    @Test
    void everyRoleIsEnabledWhenNoneIsNamed() {
        var environment = new MockEnvironment();

        for (Role role : Role.values()) {
            assertThat(role.isEnabledIn(environment)).as(role.name()).isTrue();
        }
    }

    @Test
    void onlyTheNamedRolesAreEnabledWhateverTheirCaseAndSpacing() {
        var environment = new MockEnvironment().withProperty("flashsale.roles", " Worker , dlq");

        assertThat(Role.WORKER.isEnabledIn(environment)).isTrue();
        assertThat(Role.DLQ.isEnabledIn(environment)).isTrue();
        assertThat(Role.API.isEnabledIn(environment)).isFalse();
        assertThat(Role.RECONCILER.isEnabledIn(environment)).isFalse();
    }
}
