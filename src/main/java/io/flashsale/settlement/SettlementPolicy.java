package io.flashsale.settlement;

import io.flashsale.orders.BuyerKey;
import io.flashsale.orders.FailureReason;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.Inventory.StockLevel;
import io.flashsale.shared.OrderRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, in arrival order, which orders of a batch become sales: an order is confirmed only if
 * its reservation has not expired, the buyer stays within the per-user limit, and the stock that
 * is left after the orders before it still covers it.
 */
final class SettlementPolicy {

    private SettlementPolicy() {}

    static List<SettledOrder> decide(
            List<OrderRequested> orders, Map<Long, StockLevel> stock, Map<BuyerKey, Integer> holdings, Instant now) {
        Map<Long, Integer> available = new HashMap<>();
        stock.forEach((itemId, level) -> available.put(itemId, level.available()));
        Map<BuyerKey, Integer> held = new HashMap<>(holdings);
        List<SettledOrder> decisions = new ArrayList<>(orders.size());
        for (OrderRequested order : orders) {
            var buyer = new BuyerKey(order.itemId(), order.userId());
            int alreadyHeld = held.getOrDefault(buyer, 0);
            int left = available.get(order.itemId());
            if (order.isPastDeadline(now)) {
                decisions.add(SettledOrder.expired(order));
            } else if (alreadyHeld + order.quantity()
                    > stock.get(order.itemId()).perUserLimit()) {
                decisions.add(SettledOrder.failed(order, FailureReason.LIMIT_EXCEEDED));
            } else if (order.quantity() > left) {
                decisions.add(SettledOrder.failed(order, FailureReason.SOLD_OUT));
            } else {
                decisions.add(SettledOrder.confirmed(order));
                available.put(order.itemId(), left - order.quantity());
                held.put(buyer, alreadyHeld + order.quantity());
            }
        }
        return decisions;
    }
}
