package io.flashsale.shared;

import java.util.Arrays;
import java.util.Locale;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

class RoleCondition implements Condition {

    static final String PROPERTY = "flashsale.roles";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
        var wanted = (Role) attributes.get("value");
        String roles = context.getEnvironment().getProperty(PROPERTY, "api,worker,dlq,reconciler");
        return Arrays.stream(roles.split(","))
                .map(role -> role.trim().toUpperCase(Locale.ROOT))
                .anyMatch(wanted.name()::equals);
    }
}
