package io.flashsale.shared;

/**
 * PENDING lives only in Redis; the others are rows in PostgreSQL. CONFIRMED is final when there is
 * no payment window; with one, a CONFIRMED order is a hold that ends PAID or CANCELLED (its units
 * back on sale). FAILED and EXPIRED orders never held units.
 */
public enum OrderStatus {
    PENDING,
    CONFIRMED,
    PAID,
    CANCELLED,
    FAILED,
    EXPIRED;

    /** Whether an order in this status holds its units (counted as sold). */
    public boolean holdsUnits() {
        return this == CONFIRMED || this == PAID;
    }
}
