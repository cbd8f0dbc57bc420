package io.flashsale.shared;

/** What a process does; {@code FLASHSALE_ROLES} picks any combination, all of them by default. */
public enum Role {
    API,
    WORKER,
    DLQ,
    RECONCILER
}
