package io.flashsale.admission.legacy;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Errors the framework and the shared exception handlers answer on a facade path (a body that does
 * not bind, a wrong method, a backing service out of reach) leave in the original's shape
 * ({@code {"error": ...}}, {@link LegacyAnswers#errorBody}) rather than as problem details, whose
 * numeric {@code status} an original client would misread. Status and headers are kept.
 */
@RestControllerAdvice
@ConditionalOnRole(Role.API)
class LegacyErrorBodies implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(
            Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (!(body instanceof ProblemDetail problem)
                || !(request instanceof ServletServerHttpRequest servlet)
                || !LegacyAnswers.isFacadePath(servlet.getServletRequest().getServletPath())) {
            return body;
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        String detail = problem.getDetail() != null
                ? problem.getDetail()
                : problem.getTitle() != null ? problem.getTitle() : "HTTP " + problem.getStatus();
        return LegacyAnswers.errorBody(problem.getStatus(), detail);
    }
}
