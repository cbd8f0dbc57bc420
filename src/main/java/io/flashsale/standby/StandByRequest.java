package io.flashsale.standby;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A buyer's standing order for units of an item; {@code quantity} defaults to 1, {@code userId} may come from a token. */
record StandByRequest(
        @Size(min = 1, max = 64)
                @Pattern(regexp = "[A-Za-z0-9._:@-]+", message = "may contain letters, digits and . _ : @ - only")
                String userId,
        @Min(1) @Max(1000) Integer quantity) {

    StandByRequest {
        quantity = quantity == null ? 1 : quantity;
    }
}
