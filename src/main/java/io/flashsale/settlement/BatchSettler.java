package io.flashsale.settlement;

import io.flashsale.orders.BuyerHoldings;
import io.flashsale.orders.BuyerKey;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.Inventory;
import io.flashsale.sale.Inventory.StockLevel;
import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.OrderRequested;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Settles a batch of orders in ONE transaction: lock the items, skip orders that already have a row
 * (redeliveries), decide the rest in arrival order, insert all rows at once and take the stock that
 * was actually sold. One commit per batch is what makes a hot item row fast.
 */
@Component
class BatchSettler {

    private final Inventory inventory;
    private final OrderBook orderBook;
    private final BuyerHoldings holdings;
    private final Clock clock;
    private final FaultInjection faults;

    BatchSettler(Inventory inventory, OrderBook orderBook, BuyerHoldings holdings, Clock clock, FaultInjection faults) {
        this.inventory = inventory;
        this.orderBook = orderBook;
        this.holdings = holdings;
        this.clock = clock;
        this.faults = faults;
    }

    /**
     * @param settled     every order of the batch that has a row now, including redeliveries
     * @param written     the rows this batch wrote (the orders it decided)
     * @param unknownItem orders naming no item, to be dead-lettered
     */
    record Settlement(List<SettledOrder> settled, List<SettledOrder> written, List<OrderRequested> unknownItem) {}

    @Transactional
    public Settlement settle(List<OrderRequested> batch) {
        Map<UUID, OrderRequested> orders = new LinkedHashMap<>();
        batch.forEach(order -> orders.putIfAbsent(order.orderId(), order));

        Map<Long, StockLevel> stock = inventory.lock(
                orders.values().stream().map(OrderRequested::itemId).distinct().toList());
        Map<UUID, SettledOrder> alreadySettled = orderBook.find(orders.keySet());
        List<OrderRequested> unknownItem = new ArrayList<>();
        List<OrderRequested> toDecide = new ArrayList<>();
        for (OrderRequested order : orders.values()) {
            if (alreadySettled.containsKey(order.orderId())) {
                continue;
            }
            (stock.containsKey(order.itemId()) ? toDecide : unknownItem).add(order);
        }

        toDecide.forEach(faults::beforeSettling);
        var buyers = toDecide.stream()
                .map(order -> new BuyerKey(order.itemId(), order.userId()))
                .distinct()
                .toList();
        List<SettledOrder> decisions = SettlementPolicy.decide(toDecide, stock, holdings.of(buyers), clock.instant());
        // A row another writer (dead-letter handler, reconciler) won meanwhile is theirs: it takes no stock here.
        // The rows as written carry a CONFIRMED order's payBy, which its buyer's page shows.
        List<SettledOrder> won = orderBook.write(decisions);
        List<SettledOrder> sold = won.stream().filter(SettledOrder::isConfirmed).toList();
        holdings.add(sold.stream()
                .collect(Collectors.groupingBy(
                        order -> new BuyerKey(order.itemId(), order.userId()),
                        Collectors.summingInt(SettledOrder::quantity))));
        inventory.deduct(sold.stream()
                .collect(Collectors.groupingBy(SettledOrder::itemId, Collectors.summingInt(SettledOrder::quantity))));

        List<SettledOrder> settled = new ArrayList<>(alreadySettled.values());
        settled.addAll(won);
        return new Settlement(settled, won, unknownItem);
    }
}
