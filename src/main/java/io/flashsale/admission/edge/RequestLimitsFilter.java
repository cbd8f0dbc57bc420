package io.flashsale.admission.edge;

import io.flashsale.shared.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything reads the body: a {@code Content-Type} that is not one concrete media
 * type (unparsable, or a wildcard, which Spring MVC would otherwise fail on with a 500), or is a
 * form, with 415; an {@code Accept} that is not a list of media types, with 406 (Spring MVC could
 * not choose a type even for the problem details, and answered with no body);
 * and a body larger than {@code FLASHSALE_HTTP_MAX_BODY_SIZE} with 413, by its {@code Content-Length}
 * or, for a chunked body that declares none, by reading at most one byte more than the limit
 * (every body this API takes is small). On a path of the compatibility facade the refusal has the
 * original's shape ({@link EdgeRefusals}).
 */
class RequestLimitsFilter extends OncePerRequestFilter {

    private final long maxBytes;

    RequestLimitsFilter(HttpLimits limits) {
        this.maxBytes = limits.maxBodySize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!MediaTypeRules.isAcceptable(request.getContentType())) {
            EdgeRefusals.write(
                    request,
                    response,
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be one concrete media type other than a form, such as application/json",
                    Map.of());
            return;
        }
        if (!MediaTypeRules.isParsable(request.getHeaders(HttpHeaders.ACCEPT))) {
            EdgeRefusals.write(
                    request,
                    response,
                    ErrorCode.NOT_ACCEPTABLE,
                    "Accept must be a list of media types, such as application/json",
                    Map.of());
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(request, response);
            return;
        }
        if (declared >= 0 || !isChunked(request)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private static boolean isChunked(HttpServletRequest request) {
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && !encoding.isBlank();
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        EdgeRefusals.write(
                request,
                response,
                ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBytes + " bytes",
                Map.of());
    }
}
