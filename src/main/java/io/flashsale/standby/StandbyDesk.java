package io.flashsale.standby;

import io.flashsale.admission.BuyerIdentity;
import io.flashsale.admission.gate.GateReturns;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * What a buyer does with the standby list: stand by for an item that is sold out (within the
 * per-user limit, one standing order per item), read it, withdraw it.
 */
@Service
class StandbyDesk {

    private final StandbyList list;
    private final SaleCatalog catalog;
    private final GateReturns gate;
    private final BuyerIdentity buyers;
    private final Clock clock;

    StandbyDesk(StandbyList list, SaleCatalog catalog, GateReturns gate, BuyerIdentity buyers, Clock clock) {
        this.list = list;
        this.catalog = catalog;
        this.gate = gate;
        this.buyers = buyers;
        this.clock = clock;
    }

    Standing standBy(long itemId, StandByRequest command) {
        String buyer = buyers.buyerFor(command.userId());
        int quantity = command.quantity();
        SaleItem item = catalog.cachedItem(itemId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No item " + itemId));
        if (quantity > item.perUserLimit()) {
            throw new ApiException(
                    ErrorCode.VALIDATION_FAILED, "quantity exceeds the per-user limit of " + item.perUserLimit());
        }
        Instant now = clock.instant();
        if (!item.isOpenAt(now)) {
            throw new ApiException(
                    ErrorCode.SALE_NOT_ACTIVE,
                    now.isBefore(item.startsAt())
                            ? "The sale starts at " + item.startsAt()
                            : "The sale ended at " + item.endsAt());
        }
        long tokens = gate.tokens(itemId)
                .orElseThrow(() -> item.saleStatus() == SaleStatus.WARMED_UP
                        ? new ApiException(
                                ErrorCode.UNAVAILABLE,
                                "Item " + itemId + " is being restored, retry shortly",
                                Map.of("Retry-After", "1"))
                        : new ApiException(ErrorCode.SALE_NOT_ACTIVE, "The sale has not been warmed up yet"));
        if (tokens >= quantity) {
            throw new ApiException(
                    ErrorCode.NOT_SOLD_OUT, "Item " + itemId + " has " + tokens + " units left: buy it instead");
        }
        if (gate.unitsHeldBy(itemId, buyer) + quantity > item.perUserLimit()) {
            throw new ApiException(
                    ErrorCode.ALREADY_PURCHASED, "The per-user limit of " + item.perUserLimit() + " is reached");
        }
        UUID standbyId = list.add(itemId, buyer, quantity).orElseGet(() -> {
            Standing waiting = list.waitingOf(itemId, buyer)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.UNAVAILABLE,
                            "The standing order changed meanwhile, retry",
                            Map.of("Retry-After", "1")));
            if (waiting.quantity() != quantity) {
                throw new ApiException(
                        ErrorCode.ALREADY_STANDING_BY,
                        "You already stand by for " + waiting.quantity() + " units of item " + itemId,
                        Map.of(),
                        Map.of("standbyId", waiting.standbyId()));
            }
            return waiting.standbyId();
        });
        return list.find(standbyId).orElseThrow();
    }

    Standing find(UUID standbyId) {
        Standing standing = list.find(standbyId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No standing order " + standbyId));
        buyers.checkOwner(standing.userId(), "This standing order belongs to another buyer");
        return standing;
    }

    Standing withdraw(UUID standbyId) {
        find(standbyId);
        list.withdraw(standbyId);
        Standing now = list.find(standbyId).orElseThrow();
        if (!Standing.WITHDRAWN.equals(now.status())) {
            throw new ApiException(
                    ErrorCode.NOT_WAITING,
                    "Standing order " + standbyId + " is " + now.status(),
                    Map.of(),
                    now.orderId() == null ? Map.of() : Map.of("orderId", now.orderId()));
        }
        return now;
    }
}
