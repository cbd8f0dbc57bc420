package io.flashsale.shared;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text that PostgreSQL stores as it was sent: no control character (U+0000 to U+001F, U+007F to
 * U+009F) and no unpaired surrogate. PostgreSQL refuses U+0000 in {@code text} outright (the
 * insert failed, a 500); the JDBC driver writes an unpaired surrogate as {@code ?}, so two SKUs that
 * differ only there became one and broke the sale's unique SKUs (also a 500); the other control
 * characters are stored, but no name or SKU has a use for them and they corrupt logs and terminals.
 * {@code null} is valid (say {@code @NotNull} where it is not). See docs/adr/0040.
 */
@Target({
    ElementType.FIELD,
    ElementType.PARAMETER,
    ElementType.RECORD_COMPONENT,
    ElementType.TYPE_USE,
    ElementType.METHOD
})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = StorableText.Validator.class)
public @interface StorableText {

    String message() default "must not contain control characters or unpaired surrogates";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<StorableText, CharSequence> {

        @Override
        public boolean isValid(CharSequence text, ConstraintValidatorContext context) {
            return text == null || isStorable(text);
        }

        /** Whether PostgreSQL would store exactly this text, and it has no control character. */
        public static boolean isStorable(CharSequence text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c)) {
                    return false;
                }
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }
}
