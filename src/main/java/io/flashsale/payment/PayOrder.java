package io.flashsale.payment;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** A payment of an order, named by the payment provider's reference: the same reference again is the same payment. */
record PayOrder(
        @NotNull @Pattern(regexp = "[\\x21-\\x7E]{1,128}", message = "must be 1 to 128 visible ASCII characters")
                String paymentReference) {}
