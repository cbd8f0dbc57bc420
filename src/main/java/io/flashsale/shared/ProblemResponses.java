package io.flashsale.shared;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem details written straight to the servlet response, for refusals made in filters before
 * Spring MVC runs (rate limits, load shedding, size limits, authentication). Same shape as
 * {@link ProblemDetailsAdvice}'s answers.
 */
public final class ProblemResponses {

    /** The detail of a request Spring Security's firewall refuses; the offending value is not repeated. */
    public static final String REJECTED_BY_FIREWALL = "The path or a header has characters that are not allowed";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    public static void write(
            HttpServletRequest request,
            HttpServletResponse response,
            ErrorCode code,
            String detail,
            Map<String, String> headers)
            throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(code.status().value());
        headers.forEach(response::setHeader);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(JSON.writeValueAsBytes(body(code, detail, request.getRequestURI())));
        response.flushBuffer();
    }

    /**
     * The body of an error the application did not answer itself (the servlet container refused the
     * request, or a filter sent an error): the status, its reason phrase as the detail, the path.
     */
    public static String json(int status, String instance) {
        ErrorCode code = codeFor(status);
        HttpStatus known = HttpStatus.resolve(status);
        String phrase = known == null ? code.status().getReasonPhrase() : known.getReasonPhrase();
        var body = body(code, status >= 500 ? "Unexpected error" : phrase, instance);
        body.put("status", status);
        body.put("title", phrase);
        return JSON.writeValueAsString(body);
    }

    static Map<String, Object> body(ErrorCode code, String detail, String instance) {
        var body = new LinkedHashMap<String, Object>();
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        body.put("status", code.status().value());
        body.put("title", code.status().getReasonPhrase());
        body.put("code", code.name());
        return body;
    }

    /** The stable code for a status the framework chose on its own. */
    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 400 -> ErrorCode.VALIDATION_FAILED;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 400 && status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL_ERROR;
        };
    }
}
