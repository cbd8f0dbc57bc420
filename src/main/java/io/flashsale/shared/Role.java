package io.flashsale.shared;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.core.env.PropertyResolver;

/** What a process does; {@code FLASHSALE_ROLES} picks any combination, all of them by default. */
public enum Role {
    API,
    WORKER,
    DLQ,
    RECONCILER;

    static final String PROPERTY = "flashsale.roles";

    /** Whether {@code flashsale.roles} (comma-separated, any case; all roles if unset) names this role. */
    public boolean isEnabledIn(PropertyResolver environment) {
        String roles = environment.getProperty(PROPERTY, "api,worker,dlq,reconciler");
        return Arrays.stream(roles.split(","))
                .map(role -> role.trim().toUpperCase(Locale.ROOT))
                .anyMatch(name()::equals);
    }
}
