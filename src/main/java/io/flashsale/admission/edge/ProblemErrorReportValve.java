package io.flashsale.admission.edge;

import io.flashsale.shared.ProblemResponses;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report for what it refuses before any filter or servlet runs: a request line or
 * header it cannot take (a NUL or other control character in a header, {@code %00} or an encoded
 * {@code /} in the path). Its own valve answered those with an HTML page; this one answers the same
 * status with problem details, as every other refusal of the API is (docs/adr/0040). Installed on
 * the host by {@link WebConfiguration} in place of Spring Boot's.
 */
class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own valves: only an error, only once, and only if nothing was written yet.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        var ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(ProblemResponses.json(status, request.getRequestURI()));
                response.finishResponse();
            }
        } catch (Exception e) {
            container.getLogger().debug("Could not write the problem details of a refused request", e);
        }
    }
}
