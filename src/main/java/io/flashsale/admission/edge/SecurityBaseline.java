package io.flashsale.admission.edge;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * What every chain of {@link SecurityConfiguration} starts from: no session, no CSRF token, no
 * saved request, no form or basic login, no logout; and the security headers, with a content
 * security policy that allows nothing (a chain serving pages sets its own), no referrer, no framing.
 */
final class SecurityBaseline {

    private SecurityBaseline() {}

    /** Applies the baseline to {@code http} and returns it, for the chain's own settings. */
    static HttpSecurity stateless(HttpSecurity http) throws Exception {
        // A stateless JSON API with bearer credentials and no cookies: nothing for CSRF to ride on.
        return http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(headers -> headers.contentSecurityPolicy(
                                csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny));
    }
}
