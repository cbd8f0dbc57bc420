package io.flashsale.shared;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's {@code /error} answer ({@code timestamp}, {@code error}, {@code path}) with
 * problem details, for errors raised outside Spring MVC: a filter that failed, a servlet container
 * refusal, {@code sendError} from a library. The detail never repeats the exception's message.
 * A request for {@code /error} itself is answered 404.
 *
 * <p>The answer is written here, without content negotiation: with an {@code Accept} it could not
 * parse, Spring MVC failed to map the error dispatch at all, and the error went out with no body.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping(path = "${server.error.path:/error}")
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Without the container's attribute a client asked for /error itself: nothing is served there
        // (it was answered 500, an error of ours, for any request to that path).
        int status =
                attribute == null ? 404 : attribute instanceof Integer code && code >= 400 && code <= 599 ? code : 500;
        if (status == 500
                && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure
                && BackingServiceOutages.isOutage(failure)) {
            // A backing service out of reach under a filter, past Spring MVC's advice: the same 503.
            status = 503;
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream()
                .write(ProblemResponses.json(status, uri instanceof String path ? path : request.getRequestURI())
                        .getBytes(StandardCharsets.UTF_8));
    }
}
