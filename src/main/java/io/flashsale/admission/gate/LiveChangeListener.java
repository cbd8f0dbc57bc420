package io.flashsale.admission.gate;

/**
 * Hears the messages {@link GateChangeSubscriber} receives on {@link GateKeys#stockChannel()} and
 * {@link GateKeys#orderChannel()}, on the subscription's thread, as they arrive (in admission, the
 * event streams' {@code EventStreams}; only api instances subscribe). The gate owns the interface
 * so that it depends on nothing else in admission. Neither method may throw: a malformed message is
 * the implementation's to log and skip.
 */
public interface LiveChangeListener {

    /** A stock channel message: item ids whose units moved, {@code itemId,itemId,...}. */
    void itemsMoved(String message);

    /** An order channel message: one line {@code orderId json} per order whose status changed. */
    void ordersChanged(String message);
}
