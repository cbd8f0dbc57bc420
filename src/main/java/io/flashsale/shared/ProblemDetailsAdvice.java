package io.flashsale.shared;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error leaves as RFC 9457 problem details carrying a stable {@code code}, including the
 * framework's own 400/404/405/415. Nothing internal (class names, stack traces) reaches the body.
 * A backing service out of reach is answered 503 by {@link BackingServiceOutages}, asked first.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> refused(ApiException e) {
        return refusal(e);
    }

    /** The answer to a refusal, for a controller that turns its refusals into answers itself. */
    public static ResponseEntity<ProblemDetail> refusal(ApiException e) {
        var response = problem(e.code(), e.getMessage());
        e.properties().forEach(response.getBody()::setProperty);
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        e.headers().forEach(headers::set);
        return ResponseEntity.status(response.getStatusCode()).headers(headers).body(response.getBody());
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> invalidParameter(ConstraintViolationException e) {
        return problem(ErrorCode.VALIDATION_FAILED, "Request parameters are not valid");
    }

    /**
     * A header value Spring Security's firewall refuses, found when a handler reads the header (it
     * was a 500). Should this answer fail too (the refused header is {@code Accept}), the exception
     * goes on to the firewall's own handler in {@code SecurityConfiguration}, which answers the same.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejectedHeader(RequestRejectedException e) {
        return problem(ErrorCode.VALIDATION_FAILED, ProblemResponses.REJECTED_BY_FIREWALL);
    }

    /** A query string the container cannot decode in its charset. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodableParameters(Exception e) {
        return problem(ErrorCode.VALIDATION_FAILED, "Request parameters are not valid");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (BackingServiceOutages.isOutage(e)) {
            return BackingServiceOutages.answer(e);
        }
        log.error("Unexpected error", e);
        return problem(ErrorCode.INTERNAL_ERROR, "Unexpected error");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = e.getBody();
        body.setDetail("Request body is not valid");
        body.setProperty("errors", ValidationErrors.of(e));
        return handleExceptionInternal(e, body, headers, status, request);
    }

    /**
     * Constraints of a handler with constrained parameters, which Spring validates together with its
     * {@code @Valid} body: the same {@code errors} list as a body's ({@link ValidationErrors}).
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        boolean bodyOnly = e.getParameterValidationResults().stream().allMatch(ParameterErrors.class::isInstance);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, bodyOnly ? "Request body is not valid" : "Request parameters are not valid");
        body.setProperty("errors", ValidationErrors.of(e));
        return handleExceptionInternal(e, body, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail : ProblemDetail.forStatus(status);
        if (status.value() == 400) {
            // The framework's own text may name Java types; say what the client can act on.
            problem.setDetail(
                    problem.getDetail() == null
                                    || problem.getDetail().contains("java.")
                                    || problem.getDetail().contains("Failed to read request")
                            ? "Request is malformed or has fields of the wrong type"
                            : problem.getDetail());
        }
        if (status.value() == 404 && e instanceof org.springframework.web.servlet.resource.NoResourceFoundException) {
            problem.setDetail("Nothing is served at this path");
        }
        problem.setProperty("code", codeFor(status).name());
        return super.handleExceptionInternal(e, problem, headers, status, request);
    }

    static ResponseEntity<ProblemDetail> problem(ErrorCode code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
        problem.setProperty("code", code.name());
        return ResponseEntity.status(code.status()).body(problem);
    }

    private static ErrorCode codeFor(HttpStatusCode status) {
        return ProblemResponses.codeFor(status.value());
    }
}
