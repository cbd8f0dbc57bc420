/**
 * The Server-Sent Events streams of stock and order status (docs/adr/0050): an order's status as
 * {@code GET /api/v1/orders/{id}} shows it, and the units the gate may still admit for one item or
 * every item of a sale ({@link io.flashsale.admission.events.EventStreamController}). Every process
 * announces on Redis pub/sub the orders whose status changed and the items whose units moved
 * ({@link io.flashsale.admission.events.LiveChanges}, told by the gate through
 * {@link io.flashsale.admission.gate.StockListener}); api instances hear those messages through
 * {@link io.flashsale.admission.gate.LiveChangeListener} and push them to the streams they hold
 * ({@link io.flashsale.admission.events.EventStreams}, {@code OpenStreams}, {@code ClientStream},
 * {@code LatestEventSender}), on their own ticks ({@code StreamTicks}), within
 * {@code FLASHSALE_EVENTS_*} ({@code EventStreamProperties}). A reconnect's {@code Last-Event-ID}
 * ({@code StreamEventIds}) says what the client has, so it gets only what differs.
 */
package io.flashsale.admission.events;
