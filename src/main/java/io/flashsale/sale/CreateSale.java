package io.flashsale.sale;

import io.flashsale.shared.IsoInstantDeserializer;
import io.flashsale.shared.StorableInstant;
import io.flashsale.shared.StorableText;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * An admin's request for a new sale with the items it sells. Every value is one PostgreSQL, the
 * gate's epoch milliseconds and {@code Instant.toEpochMilli} hold as it is (docs/adr/0040): text
 * without control characters ({@link StorableText}), instants given as ISO-8601 strings
 * ({@link IsoInstantDeserializer}) from 1970 to 9999 ({@link StorableInstant}). Instants are kept to
 * the microsecond, as PostgreSQL stores them; it would round the nanoseconds itself, and a window
 * of a few nanoseconds then became empty there after passing the check below (a 500).
 */
public record CreateSale(
        @NotBlank @Size(max = 200) @StorableText String name,
        @NotNull @StorableInstant @JsonDeserialize(using = IsoInstantDeserializer.class) Instant startsAt,
        @NotNull @StorableInstant @JsonDeserialize(using = IsoInstantDeserializer.class) Instant endsAt,
        @NotEmpty @Size(max = 100) List<@Valid @NotNull Item> items) {

    public CreateSale {
        startsAt = startsAt == null ? null : startsAt.truncatedTo(ChronoUnit.MICROS);
        endsAt = endsAt == null ? null : endsAt.truncatedTo(ChronoUnit.MICROS);
    }

    public record Item(
            @NotBlank @Size(max = 64) @StorableText String sku,
            @NotBlank @Size(max = 200) @StorableText String name,
            @NotNull @DecimalMin("0") @Digits(integer = 10, fraction = 2) BigDecimal price,
            @Min(1) @Max(10_000_000) int stock,
            @Min(1) @Max(1_000) int perUserLimit) {}

    @AssertTrue(message = "endsAt must be after startsAt")
    boolean isWindowValid() {
        return startsAt == null || endsAt == null || endsAt.isAfter(startsAt);
    }

    @AssertTrue(message = "item skus must be unique within a sale")
    boolean isSkusUnique() {
        return items == null
                || items.stream()
                                .filter(item -> item != null)
                                .map(Item::sku)
                                .distinct()
                                .count()
                        == items.stream().filter(item -> item != null).count();
    }
}
