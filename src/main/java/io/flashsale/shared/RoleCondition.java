package io.flashsale.shared;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

class RoleCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        var attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
        var wanted = (Role) attributes.get("value");
        return wanted.isEnabledIn(context.getEnvironment());
    }
}
