/**
 * Admission meets the crowd. At its root the purchase process: validate a purchase, ask the Redis
 * gate, publish the admitted order to RabbitMQ before answering 202, withdraw it if the broker does
 * not confirm; the order status read model; and the sync that brings the gate in line with what
 * settlement decided. Other modules use two named interfaces only: {@code gate}, the Redis gate,
 * and {@code buyer} ({@link io.flashsale.admission.BuyerIdentity}, {@link
 * io.flashsale.admission.OrderStatusQuery}, {@link io.flashsale.admission.OrderView}: who the buyer is
 * and an order's status as the buyer sees it). {@code edge} holds every filter and limit in front of
 * the controllers, {@code legacy} the original system's dialect, {@code events} the Server-Sent
 * Events of a sale's units and an order's status.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared", "sale", "orders"})
package io.flashsale.admission;
