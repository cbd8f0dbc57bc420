package io.flashsale.shared;

/** PENDING lives only in Redis; the three terminal statuses are rows in PostgreSQL. */
public enum OrderStatus {
    PENDING, CONFIRMED, FAILED, EXPIRED
}
