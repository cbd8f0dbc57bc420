/**
 * Wiring that belongs to no single capability: the clock, the admin credential, the demo sale.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "admission"})
package io.flashsale.config;
