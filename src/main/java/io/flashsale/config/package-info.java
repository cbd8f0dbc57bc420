/**
 * Wiring that belongs to no single capability: the clock, background scheduling, the OpenAPI
 * description, strict JSON types for request bodies, the fault-injection switches used by the
 * tests, and the demo sale.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "admission::gate"})
package io.flashsale.config;
