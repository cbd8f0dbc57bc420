package io.flashsale.admission.edge;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.AbstractProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The whole chain a request passes before a controller, top to bottom:
 * <ol>
 *   <li>{@link FairTurnValve}, a Tomcat engine valve ahead of every filter (unless
 *       {@code FLASHSALE_HTTP_FAIR_TURNS=false}): a request waits until the requests that arrived
 *       before it have started, and one read right after its connection's previous answer goes to
 *       the back of the line;</li>
 *   <li>{@link OneWriteResponseFilter}, the outermost filter;</li>
 *   <li>{@link RequestIdFilter};</li>
 *   <li>Spring Security, at its default order: the chains of {@link SecurityConfiguration} (security
 *       headers; the admin token; with JWTs configured, the buyer's bearer token);</li>
 *   <li>{@link RequestLimitsFilter}: body size and media type (413, 415);</li>
 *   <li>on the api role, for {@code POST /api/v1/orders} and {@code POST /flashsale/precheck} only:
 *       {@link ClientRateLimitFilter} (per address and instance: the cheapest refusal), then
 *       {@link AdaptiveConcurrencyFilter} (503 when in-flight purchases exceed the measured limit).</li>
 * </ol>
 * Requests Tomcat refuses itself never reach the chain: {@link ProblemErrorReportValve} answers them.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebConfiguration.class);

    /**
     * The longest a request waits at the gate for the requests ahead of it: a backstop against a
     * lost ticket, well above the slowest answers of a loaded spike (about a second, docs/BENCHMARKS.md).
     */
    private static final Duration TURN_PATIENCE = Duration.ofSeconds(2);

    private static final int AFTER_SECURITY = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10;

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

    @Bean
    @ConditionalOnRole(Role.API)
    FilterRegistrationBean<ClientRateLimitFilter> clientRateLimitFilter(PurchaseRateLimits limits) {
        var registration = new FilterRegistrationBean<>(new ClientRateLimitFilter(limits));
        registration.setOrder(AFTER_SECURITY);
        return registration;
    }

    @Bean
    @ConditionalOnRole(Role.API)
    FilterRegistrationBean<AdaptiveConcurrencyFilter> adaptiveConcurrencyFilter(
            ConcurrencyLimitProperties settings, MeterRegistry meters) {
        var registration = new FilterRegistrationBean<>(new AdaptiveConcurrencyFilter(settings, meters));
        registration.setOrder(AFTER_SECURITY + 1);
        registration.setEnabled(settings.enabled());
        return registration;
    }

    /**
     * Connections take turns (docs/adr/0046, 0065): the connections' virtual threads start their
     * requests in the order the requests arrived. Runs after Spring Boot's customizer that gives
     * Tomcat its virtual thread executor (order 1), which this one wraps; with Tomcat's platform
     * thread pool there is nothing to wrap and the valve lets every request through.
     * {@code FLASHSALE_HTTP_FAIR_TURNS=false} leaves Tomcat's own order, for comparison runs.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> fairTurns(HttpLimits limits, MeterRegistry meters) {
        return factory -> {
            if (!limits.fairTurns()) {
                return;
            }
            var line = new TicketLine(TURN_PATIENCE);
            factory.addEngineValves(new FairTurnValve(line, meters));
            factory.addProtocolHandlerCustomizers(protocol -> {
                Executor connections = protocol.getExecutor();
                if (connections != null) {
                    protocol.setExecutor(new TicketedExecutor(connections, line));
                }
            });
        };
    }

    /**
     * At most {@link ConnectionBound#maxConnections} connections open at once (docs/adr/0072), set on
     * the connector after Spring Boot's customizer (order 0) has set its own: from the heap, it
     * replaces Tomcat's default (8,192), more than a 512 MiB heap holds; from {@code
     * server.tomcat.max-connections}, it is applied as set, 0 or less too (no bound), which Spring
     * Boot alone would ignore and leave at 8,192.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> boundedConnections(
            ConnectionBound bound, HttpLimits limits) {
        return factory -> {
            factory.addConnectorCustomizers(connector -> {
                if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                    protocol.setMaxConnections(bound.maxConnections());
                }
            });
            if (bound.fromHeap()) {
                log.atInfo()
                        .addKeyValue("maxConnections", bound.maxConnections())
                        .log(
                                "At most {} connections open at once: a heap of {} MiB, less {} MiB kept, at {} KiB each",
                                bound.maxConnections(),
                                Runtime.getRuntime().maxMemory() >> 20,
                                limits.heapReserve().toMegabytes(),
                                limits.heapPerConnection().toKilobytes());
            } else {
                log.atInfo()
                        .addKeyValue("maxConnections", bound.maxConnections())
                        .log(
                                "At most {} connections open at once, as server.tomcat.max-connections says (-1: no bound)",
                                bound.maxConnections());
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
