package io.flashsale.shared;

import java.util.Map;

/** A refusal the client should see as problem details with a stable code, never as a 500. */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, String> headers;
    private final Map<String, Object> properties;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    /** With response headers the client needs to act on the refusal ({@code Retry-After}, ...). */
    public ApiException(ErrorCode code, String detail, Map<String, String> headers) {
        this(code, detail, headers, Map.of());
    }

    /**
     * With members the problem-details body carries beside {@code code}, such as the {@code orderId}
     * of an order whose fate is not known yet.
     */
    public ApiException(ErrorCode code, String detail, Map<String, String> headers, Map<String, Object> properties) {
        super(detail, null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
        this.properties = Map.copyOf(properties);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
