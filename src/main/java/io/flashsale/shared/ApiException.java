package io.flashsale.shared;

import java.util.Map;

/** A refusal the client should see as problem details with a stable code, never as a 500. */
public class ApiException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, String> headers;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    /** With response headers the client needs to act on the refusal ({@code Retry-After}, ...). */
    public ApiException(ErrorCode code, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
