package io.flashsale.config;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /** Right after Spring Security, so that a 413 or 415 carries the security headers too. */
    @Bean
    FilterRegistrationBean<RequestLimitsFilter> requestLimitsFilter(HttpLimits limits) {
        var registration = new FilterRegistrationBean<>(new RequestLimitsFilter(limits));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    /** Outside every filter that wraps the response, so that no flush inside reaches the container. */
    @Bean
    FilterRegistrationBean<OneWriteResponseFilter> oneWriteResponseFilter() {
        var registration = new FilterRegistrationBean<>(new OneWriteResponseFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        var registration = new FilterRegistrationBean<>(new RequestIdFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
