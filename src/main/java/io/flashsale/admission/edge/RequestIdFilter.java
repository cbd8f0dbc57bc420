package io.flashsale.admission.edge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Echoes the client's {@code X-Request-Id} on the answer and puts it in the log context, so that a
 * client (or a proxy in front) can match an answer, and the log lines it caused, to its request.
 * An identifier that is not 1 to 64 visible ASCII characters is ignored. The load generator of the
 * benchmarks relies on the echo to time each request on connections that share one thread.
 */
class RequestIdFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    static final String LOG_KEY = "requestId";

    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7E]{1,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = request.getHeader(HEADER);
        if (id == null || !VALID.matcher(id).matches()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HEADER, id);
        MDC.put(LOG_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(LOG_KEY);
        }
    }
}
