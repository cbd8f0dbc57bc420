package io.flashsale.config;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

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

    /**
     * Connections take turns for the virtual threads (docs/adr/0046). {@code FLASHSALE_HTTP_FAIR_TURNS=false}
     * leaves Tomcat's own order, for comparison runs.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> fairTurns(
            @Value("${flashsale.http.fair-turns:true}") boolean enabled, MeterRegistry meters) {
        return factory -> {
            if (enabled) {
                factory.addEngineValves(new FairTurnValve(meters));
            }
        };
    }

    /**
     * Problem details, not Tomcat's HTML page, for requests Tomcat refuses itself. Runs after
     * Spring Boot's customizer (order 0), which puts a plain {@link ErrorReportValve} on the host:
     * that one is replaced, so that exactly one valve reports.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            Pipeline host = context.getParent().getPipeline();
            for (Valve valve : host.getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.removeValve(valve);
                }
            }
            host.addValve(new ProblemErrorReportValve());
            if (context.getParent() instanceof StandardHost standardHost) {
                standardHost.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }
}
