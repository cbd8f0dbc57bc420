package io.flashsale.admission.gate;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What PostgreSQL says about one item at one instant, read in one transaction so that the parts
 * agree: the units {@code available}, the units each buyer holds, the ids of the CONFIRMED orders
 * those units went to, and the ids of the orders the API withdrew. The gate is built from it (load.lua).
 */
public record GateSnapshot(int available, Map<String, Integer> holdings, List<UUID> confirmedOrders,
                           List<UUID> withdrawnOrders) {
}
