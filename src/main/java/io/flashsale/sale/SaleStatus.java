package io.flashsale.sale;

/** SCHEDULED until an admin warms the sale up, which loads its items into the Redis gate. */
public enum SaleStatus {
    SCHEDULED,
    WARMED_UP
}
