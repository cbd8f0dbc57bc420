/**
 * Settlement decides each order's fate in PostgreSQL: a worker takes a batch of requested orders
 * off the queue and settles them in one transaction, then announces the outcome.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "orders"})
package io.flashsale.settlement;
