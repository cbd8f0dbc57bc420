/**
 * What every capability shares: the message that carries an order from admission to settlement and
 * its codec, the queue names and the confirmed hand-off between queues, order statuses, the error
 * vocabulary of the HTTP API and its problem details, the role switch, the admin token, settings
 * that more than one module reads (the payment window, the metrics poll), the per-item gauge of
 * polled figures, values the stores can hold ({@code StorableText}, {@code StorableInstant}) and
 * the fault-injection hooks.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.flashsale.shared;
