/**
 * Recovery: the dead-letter handler, compensation and the reconciler that keeps Redis in line
 * with PostgreSQL (issue 3).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "settlement", "admission", "payment", "standby"})
package io.flashsale.recovery;
