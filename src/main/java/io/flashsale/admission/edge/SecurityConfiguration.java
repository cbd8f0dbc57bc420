package io.flashsale.admission.edge;

import static io.flashsale.admission.edge.SecurityBaseline.stateless;

import io.flashsale.shared.AdminToken;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.ProblemResponses;
import jakarta.servlet.DispatcherType;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Four stateless filter chains (docs/adr/0014):
 * <ol>
 *   <li>the buyer's pages: open, with a content security policy that lets them load their own
 *       scripts, styles and images and talk to this origin, and nothing else (docs/adr/0050);</li>
 *   <li>API documentation: open, with a content security policy that lets Swagger UI run;</li>
 *   <li>admin endpoints ({@code /api/v1/admin/**}, {@code /admin/**}): the admin token, 401 without,
 *       403 wrong;</li>
 *   <li>everything else: open, except that with a JWT verification key or JWK set configured
 *       (Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*}), purchases, order
 *       status, payments, cancellations and standing orders need a valid bearer JWT, verified by
 *       Spring Security's resource server.</li>
 * </ol>
 * All answer refusals with problem details and send the standard security headers
 * ({@link SecurityBaseline}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    static final String[] DOCS = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"};
    static final String[] PAGES = {"/", "/sales/*", "/assets/**"};
    /** No inline script or style, no other origin, no plugin, no base or form target, no framing. */
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Bean
    @Order(0)
    SecurityFilterChain pagesChain(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher(PAGES))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(PAGE_POLICY)))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain docsChain(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher(DOCS))
                .headers(
                        headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives(
                                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain adminChain(HttpSecurity http, AdminToken token) throws Exception {
        stateless(http.securityMatcher("/api/v1/admin/**", "/admin/**"))
                .addFilterBefore(new AdminTokenFilter(token), AnonymousAuthenticationFilter.class)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                SecurityRefusals.unauthorized("Admin endpoints need a bearer token"))
                        .accessDeniedHandler(SecurityRefusals.denied("The admin token is not valid")))
                .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .anyRequest()
                        .hasRole("ADMIN"));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain apiChain(HttpSecurity http, ObjectProvider<JwtDecoder> jwtDecoder) throws Exception {
        stateless(http);
        if (jwtDecoder.getIfAvailable() == null) {
            http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
            return http.build();
        }
        AuthenticationEntryPoint entryPoint = SecurityRefusals.invalidBearerToken();
        http.oauth2ResourceServer(resourceServer -> resourceServer
                        .jwt(Customizer.withDefaults())
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(SecurityRefusals.denied("Not allowed")))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(entryPoint))
                .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(
                                HttpMethod.POST,
                                "/api/v1/orders",
                                "/api/v1/orders/**",
                                "/flashsale/precheck",
                                "/api/v1/items/*/standby")
                        .authenticated()
                        .requestMatchers(
                                HttpMethod.GET, "/api/v1/orders/**", "/flashsale/result/**", "/api/v1/standby/**")
                        .authenticated()
                        .requestMatchers(HttpMethod.DELETE, "/api/v1/standby/**")
                        .authenticated()
                        .anyRequest()
                        .permitAll());
        return http.build();
    }

    /**
     * A request Spring Security's firewall refuses: a path it does not allow, or a header value with
     * a control character (C1 included: an emoji sent as raw UTF-8 reads as such in ISO-8859-1),
     * found when something reads that header. Answered with problem details written here, without
     * content negotiation, which would read the refused {@code Accept} again: Spring's default sends
     * a bare 400 error, whose error page then failed the same way and went out empty.
     */
    @Bean
    WebSecurityCustomizer problemDetailsForRejectedRequests() {
        return web -> web.requestRejectedHandler((request, response, e) -> ProblemResponses.write(
                request, response, ErrorCode.VALIDATION_FAILED, ProblemResponses.REJECTED_BY_FIREWALL, Map.of()));
    }

    /**
     * No spans or timers of Spring Security's own: they would sit between the HTTP request's span
     * and the publish's in every order trace, and cost the hot path three observations per request.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
