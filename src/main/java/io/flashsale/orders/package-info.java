/**
 * The order ledger: the {@code orders} table, where each order's fate is written once (first writer
 * wins among the worker, the dead-letter handler, the reconciler and the API), the buyers' confirmed
 * holdings, and the event and meters that announce what was written.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = "shared")
package io.flashsale.orders;
