package io.flashsale.admission.edge;

import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.ProblemResponses;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** Spring Security's 401 and 403, answered with problem details like every other refusal. */
final class SecurityRefusals {

    private SecurityRefusals() {}

    /** A 401 that asks for a bearer token. */
    static AuthenticationEntryPoint unauthorized(String detail) {
        return (request, response, e) -> ProblemResponses.write(
                request, response, ErrorCode.UNAUTHORIZED, detail, Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
    }

    /** The resource server's 401, with the {@code WWW-Authenticate} it describes the token's fault in. */
    static AuthenticationEntryPoint invalidBearerToken() {
        var bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, e) -> {
            bearer.commence(request, response, e);
            ProblemResponses.write(
                    request,
                    response,
                    ErrorCode.UNAUTHORIZED,
                    "A valid bearer token is required",
                    Map.of(HttpHeaders.WWW_AUTHENTICATE, response.getHeader(HttpHeaders.WWW_AUTHENTICATE)));
        };
    }

    static AccessDeniedHandler denied(String detail) {
        var bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, e) -> {
            bearer.handle(request, response, e);
            ProblemResponses.write(request, response, ErrorCode.FORBIDDEN, detail, Map.of());
        };
    }
}
