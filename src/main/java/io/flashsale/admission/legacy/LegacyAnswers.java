package io.flashsale.admission.legacy;

import io.flashsale.admission.OrderView;
import io.flashsale.shared.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The original system's answers (docs/adr/0045): a precheck's outcome in {@code status} with
 * {@code order_id} ({@code ""} when refused), other errors as {@code {"error": ...}}. Refusals
 * travel with HTTP 200 as its code answered them, or 409 in the README dialect. Where this project
 * differs on purpose the body keeps the original's shape: a backing service out of reach is 503
 * (the original's 500 body), and limits answer the body its design meant for 429.
 */
@Component
public class LegacyAnswers {

    static final String QUEUED = "queued";
    static final String OUT_OF_STOCK = "OUT_OF_STOCK";
    static final String ALREADY_PURCHASED = "USER_ALREADY_PURCHASED";

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final HttpStatus refusalStatus;

    LegacyAnswers(LegacyProperties settings) {
        this.refusalStatus =
                settings.dialect() == LegacyProperties.Dialect.README ? HttpStatus.CONFLICT : HttpStatus.OK;
    }

    ResponseEntity<Map<String, Object>> queued(UUID orderId) {
        return ResponseEntity.ok(precheck(QUEUED, "order queued", orderId.toString()));
    }

    /** A business refusal: {@code OUT_OF_STOCK}, {@code USER_ALREADY_PURCHASED}, {@code STOCK_NOT_FOUND}, {@code not_started}. */
    ResponseEntity<Map<String, Object>> refused(String status) {
        String message = LegacyProducts.NOT_STARTED.equals(status) ? "flash sale not started" : "precheck failed";
        return ResponseEntity.status(refusalStatus).body(precheck(status, message, ""));
    }

    /** What the purchase path refused, in the original's words. */
    ResponseEntity<Map<String, Object>> refused(ApiException e) {
        return switch (e.code()) {
            case SOLD_OUT -> refused(OUT_OF_STOCK);
            case ALREADY_PURCHASED -> refused(ALREADY_PURCHASED);
            case SALE_NOT_ACTIVE -> refused(LegacyProducts.NOT_STARTED);
            case NOT_FOUND -> refused(LegacyProducts.STOCK_NOT_FOUND);
            default -> failed(e);
        };
    }

    /** Any other refusal or error, with its headers ({@code Retry-After}, {@code RateLimit}). */
    static ResponseEntity<Map<String, Object>> failed(ApiException e) {
        Map<String, Object> body = errorBody(e.code().status().value(), e.getMessage());
        if (e.properties().get("orderId") instanceof UUID orderId) {
            body.put("order_id", orderId.toString()); // an order whose outcome is not known yet
        }
        return ResponseEntity.status(e.code().status())
                .headers(headers -> e.headers().forEach(headers::set))
                .body(body);
    }

    /** The order's state under the Go field names the original answered, only OrderID and Status filled. */
    static Map<String, Object> result(OrderView order) {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("OrderID", order.orderId().toString());
        answer.put(
                "Status",
                switch (order.status()) {
                    case PENDING -> "pending";
                    case CONFIRMED, PAID -> "success";
                    case FAILED, EXPIRED, CANCELLED -> "failed";
                });
        answer.put("ProcessingState", "");
        answer.put("FailReason", null);
        answer.put("CreatedAt", ZERO_TIME);
        answer.put("UpdatedAt", ZERO_TIME);
        return answer;
    }

    static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(errorBody(status.value(), message));
    }

    /** The body of an error answered with this HTTP status, in the original's shape. */
    public static Map<String, Object> errorBody(int status, String detail) {
        var body = new LinkedHashMap<String, Object>();
        if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
            body.put("error", "rate limit exceeded");
            body.put("reason", "token");
        } else if (status >= 500) {
            body.put("status", "error");
            body.put("message", "service unavailable");
            body.put("error", detail);
        } else {
            body.put("error", detail);
        }
        return body;
    }

    public static boolean isFacadePath(String path) {
        return path.startsWith("/flashsale/") || path.startsWith("/admin/flashsales/");
    }

    private static Map<String, Object> precheck(String status, String message, String orderId) {
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status);
        body.put("message", message);
        body.put("order_id", orderId);
        return body;
    }
}
