package io.flashsale.admission.edge;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The purchase endpoints' filters, right after Spring Security (which sets the security headers
 * and, with JWTs configured, authenticates the buyer): client rate limits first (cheapest refusal),
 * then the adaptive concurrency limit. Both only look at {@code POST /api/v1/orders} and
 * {@code POST /flashsale/precheck}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class PurchaseFilters {

    private static final int AFTER_SECURITY = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10;

    @Bean
    FilterRegistrationBean<ClientRateLimitFilter> clientRateLimitFilter(PurchaseRateLimits limits) {
        var registration = new FilterRegistrationBean<>(new ClientRateLimitFilter(limits));
        registration.setOrder(AFTER_SECURITY);
        return registration;
    }

    @Bean
    FilterRegistrationBean<AdaptiveConcurrencyFilter> adaptiveConcurrencyFilter(ConcurrencyLimitProperties settings,
                                                                                MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new AdaptiveConcurrencyFilter(settings, meters));
        registration.setOrder(AFTER_SECURITY + 1);
        registration.setEnabled(settings.enabled());
        return registration;
    }
}
