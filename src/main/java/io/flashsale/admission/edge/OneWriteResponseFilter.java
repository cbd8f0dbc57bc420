package io.flashsale.admission.edge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an answer go out in one write, with a {@code Content-Length}, instead of two chunked ones.
 *
 * <p>Spring MVC flushes the response right after a message converter has written a JSON body. The
 * flush commits the response before its length is known, so Tomcat sends it chunked: the headers and
 * the body in one write, the closing chunk in a second one. Without the flush, Tomcat still holds the
 * whole body in its buffer when the request ends and sends it at once with its length. In a sale
 * nearly every answer is a small refusal, and the second write was a tenth of its cost (ADR 0008).
 * An answer larger than Tomcat's buffer (8 KB) still streams out, chunked, as it is written.
 *
 * <p>Event streams ({@code .../events}) are left alone: each of their events must go out when it
 * is sent (docs/adr/0050).
 */
class OneWriteResponseFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().endsWith("/events");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new FlushAtEnd(response));
    }

    /** Ignores flushes before the end of the request; the container sends the answer when it ends. */
    private static final class FlushAtEnd extends HttpServletResponseWrapper {

        private ServletOutputStream body;

        FlushAtEnd(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void flushBuffer() {
            // the container flushes when the request ends
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (body == null) {
                body = new UnflushedStream(super.getOutputStream());
            }
            return body;
        }
    }

    private static final class UnflushedStream extends ServletOutputStream {

        private final ServletOutputStream target;

        UnflushedStream(ServletOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            target.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            // the container flushes when the request ends
        }

        @Override
        public void close() throws IOException {
            target.close();
        }

        @Override
        public boolean isReady() {
            return target.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            target.setWriteListener(listener);
        }
    }
}
