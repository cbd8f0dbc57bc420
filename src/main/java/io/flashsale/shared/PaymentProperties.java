package io.flashsale.shared;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_PAYMENT_WINDOW}: how long a CONFIRMED order may stay unpaid before it is
 * CANCELLED and its units go back on sale. Zero turns payment off: CONFIRMED is final. Settlement
 * writes each confirmed order's deadline ({@code pay_by}) from it; admission and the payment
 * endpoints read it, so every process of a deployment must agree on it.
 */
@ConfigurationProperties("flashsale.payment")
public record PaymentProperties(@DefaultValue("15m") Duration window) {

    public PaymentProperties {
        if (window.isNegative()) {
            throw new IllegalArgumentException("flashsale.payment.window must not be negative");
        }
    }

    public boolean isOn() {
        return !window.isZero();
    }
}
