package io.flashsale.payment;

import io.flashsale.admission.OrderView;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/orders/{orderId}", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnRole(Role.API)
class PaymentController {

    private final OrderPayments payments;

    PaymentController(OrderPayments payments) {
        this.payments = payments;
    }

    /** 200 with the PAID order; the same reference again is the same payment. */
    @PostMapping(path = "/payment", consumes = MediaType.APPLICATION_JSON_VALUE)
    OrderView pay(@PathVariable UUID orderId, @Valid @RequestBody PayOrder payment) {
        return payments.pay(orderId, payment.paymentReference());
    }

    /** 200 with the CANCELLED order; its units are back on sale. Cancelling it again answers the same. */
    @PostMapping("/cancel")
    OrderView cancel(@PathVariable UUID orderId) {
        return payments.cancel(orderId);
    }
}
