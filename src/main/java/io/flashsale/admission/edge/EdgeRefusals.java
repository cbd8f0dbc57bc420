package io.flashsale.admission.edge;

import io.flashsale.admission.legacy.LegacyAnswers;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals written by the edge's filters, before a controller runs (rate limits, load shedding,
 * media types and body sizes): problem details on the {@code /api/v1} API, the original shape
 * ({@link LegacyAnswers#errorBody}) on every path of the compatibility facade.
 */
final class EdgeRefusals {

    static final String ORDERS = "/api/v1/orders";
    static final String LEGACY_PRECHECK = "/flashsale/precheck";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EdgeRefusals() {}

    static boolean isPurchase(HttpServletRequest request) {
        String path = path(request);
        return "POST".equals(request.getMethod()) && (ORDERS.equals(path) || LEGACY_PRECHECK.equals(path));
    }

    /** Decoded and normalised by the container, path parameters ({@code ;x=y}) removed: as Spring MVC routes it. */
    private static String path(HttpServletRequest request) {
        return request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    }

    static void write(
            HttpServletRequest request,
            HttpServletResponse response,
            ErrorCode code,
            String detail,
            Map<String, String> headers)
            throws IOException {
        if (!LegacyAnswers.isFacadePath(path(request))) {
            ProblemResponses.write(request, response, code, detail, headers);
            return;
        }
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(code.status().value());
        headers.forEach(response::setHeader);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream()
                .write(JSON.writeValueAsBytes(
                        LegacyAnswers.errorBody(code.status().value(), detail)));
    }
}
