/**
 * What belongs to no single capability: the clock, background scheduling, the OpenAPI description,
 * the strict reading of request bodies and number parameters, the fault-injection switches used by
 * the tests, the demo sale, the buyer's pages and the server clock they count down by.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "admission::gate"})
package io.flashsale.config;
