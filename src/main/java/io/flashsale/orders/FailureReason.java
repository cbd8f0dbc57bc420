package io.flashsale.orders;

/** Why an order did not become a sale, or its units went back on sale; stored in {@code orders.reason}. */
public enum FailureReason {
    /** PostgreSQL had no stock left when the order's turn came. */
    SOLD_OUT,
    /** The buyer already holds the per-user limit of this item. */
    LIMIT_EXCEEDED,
    /** The reservation's deadline passed before the order was settled. */
    RESERVATION_EXPIRED,
    /** The broker did not confirm the message in time; the order was withdrawn. */
    PUBLISH_UNCONFIRMED,
    /** Settlement failed for good (retries exhausted or a message that cannot be settled). */
    SETTLEMENT_FAILED,
    /** CANCELLED: not paid within the payment window; its units went back on sale. */
    PAYMENT_TIMEOUT,
    /** CANCELLED: the buyer cancelled it before paying; its units went back on sale. */
    BUYER_CANCELLED
}
