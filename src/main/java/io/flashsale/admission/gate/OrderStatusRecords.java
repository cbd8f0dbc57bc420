package io.flashsale.admission.gate;

import io.flashsale.orders.SettledOrder;
import java.util.Collection;

/**
 * Where {@link GateReturns#recordStatuses} caches the statuses of orders whose row changed (in
 * admission, {@code OrderStatusCache}, which also announces them to the event streams). The gate
 * owns the interface so that it depends on nothing else in admission.
 */
public interface OrderStatusRecords {

    /** Caches these orders' statuses (PAID, CANCELLED, ...), then announces them; synchronous. */
    void record(Collection<SettledOrder> orders);
}
