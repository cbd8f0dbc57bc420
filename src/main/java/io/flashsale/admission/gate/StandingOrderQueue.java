package io.flashsale.admission.gate;

import io.flashsale.shared.OrderRequested;

/**
 * How {@link GateReturns#queue} queues an order the gate admitted for a buyer standing by (in
 * admission, {@code OrderRequestedPublisher}, as a purchase is queued). The gate owns the interface
 * so that it depends on nothing else in admission.
 */
public interface StandingOrderQueue {

    /**
     * Queues the order as a purchase is queued (PENDING cached, persistent message, the broker's
     * confirm awaited); true only if the broker confirmed it (false: refused, or no answer in time).
     */
    boolean queue(OrderRequested order);
}
