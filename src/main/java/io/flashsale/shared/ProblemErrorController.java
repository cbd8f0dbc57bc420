package io.flashsale.shared;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's {@code /error} answer ({@code timestamp}, {@code error}, {@code path}) with
 * problem details, for errors raised outside Spring MVC: a filter that failed, a servlet container
 * refusal, {@code sendError} from a library. The detail never repeats the exception's message.
 * A request for {@code /error} itself is answered 404.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping(path = "${server.error.path:/error}", produces = {MediaType.APPLICATION_PROBLEM_JSON_VALUE, MediaType.APPLICATION_JSON_VALUE, MediaType.ALL_VALUE})
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Without the container's attribute a client asked for /error itself: nothing is served there
        // (it was answered 500, an error of ours, for any request to that path).
        int status = attribute == null ? 404 : attribute instanceof Integer code && code >= 400 && code <= 599 ? code : 500;
        ErrorCode code = ProblemResponses.codeFor(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status),
                status >= 500 ? "Unexpected error" : HttpStatus.valueOf(status).getReasonPhrase());
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            try {
                problem.setInstance(java.net.URI.create(path));
            } catch (IllegalArgumentException notAUri) {
                // an instance is optional; a path the URI grammar refuses is left out
            }
        }
        problem.setProperty("code", code.name());
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
