package io.flashsale.admission.gate;

import io.flashsale.orders.BuyerHoldings;
import io.flashsale.orders.ItemOrders;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads an item's {@link GateSnapshot} in one REPEATABLE READ transaction: a batch that commits
 * meanwhile is in all three parts or in none, so the gate built from it counts each sale once.
 */
@Component
class GateSnapshots {

    private final SaleCatalog catalog;
    private final ItemOrders itemOrders;
    private final BuyerHoldings holdings;
    private final TransactionTemplate snapshot;

    GateSnapshots(
            SaleCatalog catalog,
            ItemOrders itemOrders,
            BuyerHoldings holdings,
            PlatformTransactionManager transactions) {
        this.catalog = catalog;
        this.itemOrders = itemOrders;
        this.holdings = holdings;
        this.snapshot = new TransactionTemplate(transactions);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    GateSnapshot of(SaleItem item) {
        return snapshot.execute(status -> new GateSnapshot(
                catalog.freshItem(item.id()).map(SaleItem::available).orElse(item.available()),
                holdings.ofItem(item.id()),
                itemOrders.confirmedOrdersOf(item.id()).stream()
                        .map(SettledOrder::orderId)
                        .toList(),
                itemOrders.withdrawnOrderIdsOf(item.id()),
                itemOrders.cancelledOrderIdsOf(item.id())));
    }
}
