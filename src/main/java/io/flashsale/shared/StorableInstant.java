package io.flashsale.shared;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;

/**
 * An instant every store of the system holds exactly: from {@link #EARLIEST} (1970-01-01T00:00:00Z)
 * to {@link #LATEST} (9999-12-31T23:59:59.999999Z). A Java {@code Instant} reaches year ±1,000,000,000;
 * PostgreSQL's {@code timestamptz} only 4713 BC to 294276 AD (beyond, the insert failed, a 500),
 * {@code Instant.toEpochMilli} overflows a {@code long} long before year 1e9 (another 500), and the
 * gate's Lua scripts hold epoch milliseconds as doubles, exact only below 2^53 (year 287396). The
 * range keeps epoch milliseconds positive and far inside all of them, and is the range of
 * ISO-8601's four-digit years. {@code null} is valid (say {@code @NotNull} where it is not).
 * See docs/adr/0040.
 */
@Target({
    ElementType.FIELD,
    ElementType.PARAMETER,
    ElementType.RECORD_COMPONENT,
    ElementType.TYPE_USE,
    ElementType.METHOD
})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StorableInstant.Validator.class)
public @interface StorableInstant {

    Instant EARLIEST = Instant.EPOCH;
    Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    String message() default "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<StorableInstant, Instant> {

        @Override
        public boolean isValid(Instant instant, ConstraintValidatorContext context) {
            return instant == null || !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
        }
    }
}
