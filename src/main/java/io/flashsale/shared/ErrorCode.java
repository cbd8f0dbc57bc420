package io.flashsale.shared;

import org.springframework.http.HttpStatus;

/** The stable {@code code} of every problem-details answer, with the HTTP status it travels with. */
public enum ErrorCode {
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
    FORBIDDEN(HttpStatus.FORBIDDEN),
    NOT_FOUND(HttpStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE),
    SOLD_OUT(HttpStatus.CONFLICT),
    ALREADY_PURCHASED(HttpStatus.CONFLICT),
    SALE_NOT_ACTIVE(HttpStatus.CONFLICT),
    /** An Idempotency-Key whose first request is still waiting for its outcome. */
    IDEMPOTENCY_KEY_IN_USE(HttpStatus.CONFLICT),
    /** An Idempotency-Key sent again with another request body (another item or quantity). */
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT),
    /** A payment after the order's payment window (it is, or is about to be, cancelled). */
    PAYMENT_WINDOW_CLOSED(HttpStatus.CONFLICT),
    /** A payment of an order that is not a CONFIRMED hold (pending, failed, cancelled, or no window). */
    NOT_PAYABLE(HttpStatus.CONFLICT),
    /** A payment with another reference of an order that is PAID already. */
    ALREADY_PAID(HttpStatus.CONFLICT),
    /** A cancellation of an order that is not a CONFIRMED, unpaid hold. */
    NOT_CANCELLABLE(HttpStatus.CONFLICT),
    /** A standing order for an item that still has units: buy it instead. */
    NOT_SOLD_OUT(HttpStatus.CONFLICT),
    /** A second standing order of the same buyer for the same item, for another quantity. */
    ALREADY_STANDING_BY(HttpStatus.CONFLICT),
    /** Withdrawing a standing order that was served or has expired. */
    NOT_WAITING(HttpStatus.CONFLICT),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

    private final HttpStatus status;

    ErrorCode(HttpStatus status) {
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
