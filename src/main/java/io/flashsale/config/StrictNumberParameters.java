package io.flashsale.config;

import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * A whole number in a path or a query parameter ({@code /api/v1/sales/{saleId}}) is written in ASCII
 * decimal digits, optionally signed; anything else is a 400 naming the parameter. Spring's own
 * conversion also reads {@code 0x10} and {@code #10} as 16, and {@link Long#parseLong} reads other
 * scripts' digits ({@code ١} as 1, a full-width {@code １００１} as 1001): a typo or a look-alike
 * would name another item or order than the client meant. An empty value of a wrapper type stays
 * absent, as before.
 */
@ControllerAdvice
class StrictNumberParameters {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+");

    @InitBinder
    void decimalDigitsOnly(WebDataBinder binder) {
        binder.registerCustomEditor(long.class, new Decimal<>(Long::valueOf, false));
        binder.registerCustomEditor(Long.class, new Decimal<>(Long::valueOf, true));
        binder.registerCustomEditor(int.class, new Decimal<>(Integer::valueOf, false));
        binder.registerCustomEditor(Integer.class, new Decimal<>(Integer::valueOf, true));
    }

    private static final class Decimal<T> extends PropertyEditorSupport {

        private final Function<String, T> parse;
        private final boolean mayBeAbsent;

        Decimal(Function<String, T> parse, boolean mayBeAbsent) {
            this.parse = parse;
            this.mayBeAbsent = mayBeAbsent;
        }

        @Override
        public void setAsText(String source) {
            String text = source == null ? "" : source.trim();
            if (text.isEmpty() && mayBeAbsent) {
                setValue(null);
                return;
            }
            if (!DECIMAL.matcher(text).matches()) {
                throw new IllegalArgumentException("not a decimal number");
            }
            setValue(parse.apply(text));
        }
    }
}
