/**
 * Admission meets the crowd: validates a purchase, asks the Redis gate (one atomic Lua call), and
 * publishes the admitted order to RabbitMQ before answering 202. It also answers order status,
 * warms sales up into the gate, and keeps the gate in line with what settlement decided.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "orders"})
package io.flashsale.admission;
