/**
 * Admission meets the crowd. At its root the purchase process: validate a purchase, ask the Redis
 * gate, publish the admitted order to RabbitMQ before answering 202, withdraw it if the broker does
 * not confirm; the order status read model; and the sync that brings the gate in line with what
 * settlement decided. {@code gate} is the Redis gate (the only part other modules use), {@code edge}
 * every filter and limit in front of the controllers, {@code legacy} the original system's dialect.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "orders"})
package io.flashsale.admission;
