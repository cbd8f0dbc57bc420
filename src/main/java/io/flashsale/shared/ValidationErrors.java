package io.flashsale.shared;

import java.util.List;
import java.util.Map;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.annotation.HandlerMethodValidationException;

/**
 * The {@code errors} list of a 400 for invalid input: each entry names the body's field
 * ({@code userId}) or the parameter as the client sent it ({@code saleId}, {@code Idempotency-Key}),
 * with the constraint's message.
 */
final class ValidationErrors {

    private ValidationErrors() {}

    static List<Map<String, String>> of(MethodArgumentNotValidException e) {
        return e.getBindingResult().getAllErrors().stream()
                .map(error ->
                        entry(error instanceof FieldError field ? field.getField() : error.getObjectName(), error))
                .toList();
    }

    static List<Map<String, String>> of(HandlerMethodValidationException e) {
        return e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> entry(
                                error instanceof FieldError field
                                        ? field.getField()
                                        : nameOf(result.getMethodParameter()),
                                error)))
                .toList();
    }

    private static Map<String, String> entry(String field, MessageSourceResolvable error) {
        return Map.of("field", field, "message", String.valueOf(error.getDefaultMessage()));
    }

    private static String nameOf(MethodParameter parameter) {
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        String named = header != null ? header.name() : query != null ? query.name() : path != null ? path.name() : "";
        return named.isEmpty() ? String.valueOf(parameter.getParameterName()) : named;
    }
}
