package io.flashsale.admission;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * A buyer's purchase request. {@code quantity} defaults to 1. {@code userId} may be left out when
 * the buyer comes from a bearer token ({@link BuyerIdentity}).
 */
public record PlaceOrder(
        @NotNull @Positive Long itemId,
        @Size(min = 1, max = 64)
                @Pattern(regexp = "[A-Za-z0-9._:@-]+", message = "may contain letters, digits and . _ : @ - only")
                String userId,
        @Min(1) @Max(1000) Integer quantity) {

    public PlaceOrder {
        quantity = quantity == null ? 1 : quantity;
    }

    public PlaceOrder forBuyer(String buyer) {
        return new PlaceOrder(itemId, buyer, quantity);
    }
}
