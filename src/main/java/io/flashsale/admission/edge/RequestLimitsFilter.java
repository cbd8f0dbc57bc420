package io.flashsale.admission.edge;

import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before anything reads the body: a {@code Content-Type} that is not one concrete media
 * type (unparsable, or a wildcard, which Spring MVC would otherwise fail on with a 500), or is a
 * form, with 415; an {@code Accept} that is not a list of media types, with 406 (Spring MVC could
 * not choose a type even for the problem details, and answered with no body);
 * and a body larger than {@code FLASHSALE_HTTP_MAX_BODY_SIZE} with 413, by its {@code Content-Length}
 * or, for a chunked body that declares none, by reading at most one byte more than the limit
 * (every body this API takes is small).
 */
class RequestLimitsFilter extends OncePerRequestFilter {

    private final long maxBytes;

    RequestLimitsFilter(HttpLimits limits) {
        this.maxBytes = limits.maxBodySize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isAcceptable(request.getContentType())) {
            ProblemResponses.write(request, response, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be one concrete media type other than a form, such as application/json", Map.of());
            return;
        }
        if (!isParsable(request.getHeaders(HttpHeaders.ACCEPT))) {
            ProblemResponses.write(request, response, ErrorCode.NOT_ACCEPTABLE,
                    "Accept must be a list of media types, such as application/json", Map.of());
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

    /**
     * No endpoint takes a form; refusing forms here also keeps the container from parsing one into
     * request parameters (it fails with a 500 on a body that is not valid in its charset).
     */
    private static boolean isAcceptable(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype()
                    && !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)
                    && !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean isParsable(Enumeration<String> accept) {
        if (accept == null || !accept.hasMoreElements()) {
            return true;
        }
        try {
            MediaType.parseMediaTypes(Collections.list(accept));
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean isChunked(HttpServletRequest request) {
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && !encoding.isBlank();
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        ProblemResponses.write(request, response, ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBytes + " bytes", Map.of());
    }

    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            var bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
        }
    }
}
