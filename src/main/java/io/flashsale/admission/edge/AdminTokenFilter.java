package io.flashsale.admission.edge;

import io.flashsale.shared.AdminToken;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates the admin chain's requests by the admin token. Without a bearer token the request
 * goes on unauthenticated and the chain answers 401; with a wrong one it is answered 403 here
 * (the caller is known to hold a credential, just not this one).
 */
class AdminTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final AdminToken token;

    AdminTokenFilter(AdminToken token) {
        this.token = token;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            if (!token.matches(authorization.substring(BEARER.length()).trim())) {
                ProblemResponses.write(
                        request, response, ErrorCode.FORBIDDEN, "The admin token is not valid", Map.of());
                return;
            }
            var admin = UsernamePasswordAuthenticationToken.authenticated(
                    "admin", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(admin);
            SecurityContextHolder.setContext(context);
        }
        chain.doFilter(request, response);
    }
}
