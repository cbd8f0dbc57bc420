package io.flashsale.sale;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An admin's request for a new sale with the items it sells. */
public record CreateSale(
        @NotBlank @Size(max = 200) String name,
        @NotNull Instant startsAt,
        @NotNull Instant endsAt,
        @NotEmpty @Size(max = 100) List<@Valid @NotNull Item> items) {

    public record Item(
            @NotBlank @Size(max = 64) String sku,
            @NotBlank @Size(max = 200) String name,
            @NotNull @DecimalMin("0") @Digits(integer = 10, fraction = 2) BigDecimal price,
            @Min(1) @Max(10_000_000) int stock,
            @Min(1) @Max(1_000) int perUserLimit) {
    }

    @AssertTrue(message = "endsAt must be after startsAt")
    boolean isWindowValid() {
        return startsAt == null || endsAt == null || endsAt.isAfter(startsAt);
    }

    @AssertTrue(message = "item skus must be unique within a sale")
    boolean isSkusUnique() {
        return items == null || items.stream().filter(item -> item != null).map(Item::sku).distinct().count()
                == items.stream().filter(item -> item != null).count();
    }
}
