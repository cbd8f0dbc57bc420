package io.flashsale.admission.gate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What PostgreSQL says about one item at one instant, read in one transaction so that the parts
 * agree: the units {@code available}, the units each buyer holds, the ids of the orders those units
 * went to (CONFIRMED and PAID), the ids of the orders the API withdrew, and the ids of the CANCELLED
 * orders whose units are back in {@code available}. The gate is built from it (load.lua).
 */
public record GateSnapshot(
        int available,
        Map<String, Integer> holdings,
        List<UUID> confirmedOrders,
        List<UUID> withdrawnOrders,
        List<UUID> returnedOrders) {

    public GateSnapshot(
            int available, Map<String, Integer> holdings, List<UUID> confirmedOrders, List<UUID> withdrawnOrders) {
        this(available, holdings, confirmedOrders, withdrawnOrders, List.of());
    }
}
