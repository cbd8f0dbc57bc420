package io.flashsale.payment;

import io.flashsale.admission.BuyerIdentity;
import io.flashsale.admission.OrderStatusQuery;
import io.flashsale.admission.OrderView;
import io.flashsale.admission.gate.GateReturns;
import io.flashsale.orders.FailureReason;
import io.flashsale.orders.SettledOrder;
import io.flashsale.payment.PaymentLedger.PaymentState;
import io.flashsale.payment.PaymentMetrics.PaymentOutcome;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.OrderStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * A buyer pays or cancels a CONFIRMED hold. Both are decided by one conditional UPDATE of the
 * order's row; when it changes nothing, the row as it is now says why, and a payment refused for
 * any reason is recorded for its refund. The same payment (same reference) again is answered as the
 * first, so a client may retry it safely.
 */
@Service
class OrderPayments {

    private static final Logger log = LoggerFactory.getLogger(OrderPayments.class);

    private final PaymentLedger ledger;
    private final UnitReturns returns;
    private final OrderStatusQuery statuses;
    private final BuyerIdentity buyers;
    private final GateReturns gate;
    private final PaymentMetrics metrics;

    OrderPayments(
            PaymentLedger ledger,
            UnitReturns returns,
            OrderStatusQuery statuses,
            BuyerIdentity buyers,
            GateReturns gate,
            PaymentMetrics metrics) {
        this.ledger = ledger;
        this.returns = returns;
        this.statuses = statuses;
        this.buyers = buyers;
        this.gate = gate;
        this.metrics = metrics;
    }

    OrderView pay(UUID orderId, String paymentReference) {
        OrderView order = ownOrder(orderId);
        Optional<SettledOrder> paid = ledger.pay(orderId, paymentReference);
        if (paid.isPresent()) {
            metrics.payment(PaymentOutcome.PAID);
            log.atInfo()
                    .addKeyValue("orderId", orderId.toString())
                    .addKeyValue("itemId", order.itemId())
                    .log("Order {} of item {} paid", orderId, order.itemId());
            cache(paid.get());
            return OrderView.of(paid.get());
        }
        Optional<PaymentState> state = ledger.paymentState(orderId);
        if (state.isPresent()
                && state.get().order().status() == OrderStatus.PAID
                && paymentReference.equals(state.get().paymentReference())) {
            metrics.payment(PaymentOutcome.REPEATED);
            return OrderView.of(state.get().order());
        }
        throw refuse(orderId, paymentReference, state);
    }

    OrderView cancel(UUID orderId) {
        OrderView order = ownOrder(orderId);
        Optional<SettledOrder> cancelled = returns.cancelByBuyer(order.itemId(), orderId);
        if (cancelled.isPresent()) {
            return OrderView.of(cancelled.get());
        }
        Optional<OrderView> now = statuses.find(orderId);
        if (now.isPresent() && now.get().status() == OrderStatus.CANCELLED) {
            return now.get();
        }
        String status = now.map(view -> view.status().name()).orElse("unknown");
        throw new ApiException(
                ErrorCode.NOT_CANCELLABLE,
                "Order " + orderId + " is " + status
                        + (now.isPresent() && now.get().status() == OrderStatus.CONFIRMED
                                ? " and final (no payment window)"
                                : "")
                        + ": only a CONFIRMED, unpaid hold can be cancelled");
    }

    private ApiException refuse(UUID orderId, String paymentReference, Optional<PaymentState> state) {
        PaymentOutcome outcome;
        ErrorCode code;
        String detail;
        if (state.isEmpty()) {
            outcome = PaymentOutcome.NOT_PAYABLE;
            code = ErrorCode.NOT_PAYABLE;
            detail = "Order " + orderId + " is not confirmed yet";
        } else {
            SettledOrder order = state.get().order();
            if (order.status() == OrderStatus.PAID) {
                outcome = PaymentOutcome.ALREADY_PAID;
                code = ErrorCode.ALREADY_PAID;
                detail = "Order " + orderId + " is paid already, with another payment reference";
            } else if (state.get().windowClosed()
                    && (order.status() == OrderStatus.CONFIRMED || order.reason() == FailureReason.PAYMENT_TIMEOUT)) {
                outcome = PaymentOutcome.WINDOW_CLOSED;
                code = ErrorCode.PAYMENT_WINDOW_CLOSED;
                detail = "The payment window of order " + orderId + " closed at " + order.payBy()
                        + "; its units are back on sale and this payment will be refunded";
            } else {
                outcome = PaymentOutcome.NOT_PAYABLE;
                code = ErrorCode.NOT_PAYABLE;
                detail = "Order " + orderId + " is " + order.status()
                        + (order.status() == OrderStatus.CONFIRMED ? " and final (no payment window)" : "")
                        + "; only a CONFIRMED order within its payment window can be paid";
            }
        }
        metrics.payment(outcome);
        ledger.recordRefusal(orderId, paymentReference, code.name());
        log.atWarn()
                .addKeyValue("orderId", orderId.toString())
                .log("Payment {} of order {} refused ({}); recorded for a refund", paymentReference, orderId, code);
        return new ApiException(code, detail, Map.of(), Map.of("orderId", orderId));
    }

    /** The order, if it exists and (with buyer tokens) belongs to the caller. */
    private OrderView ownOrder(UUID orderId) {
        OrderView order = statuses.require(orderId);
        buyers.checkOwner(order);
        return order;
    }

    private void cache(SettledOrder order) {
        try {
            gate.recordStatuses(List.of(order));
        } catch (RuntimeException e) {
            log.debug("Could not cache the status of order {}: {}", order.orderId(), e.toString());
        }
    }
}
