/**
 * Recovery: the dead-letter handler, compensation and the reconciler that keeps Redis in line
 * with PostgreSQL.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "sale", "orders", "admission::gate", "payment", "standby"})
package io.flashsale.recovery;
