package io.flashsale.shared;

import java.time.Instant;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;

/**
 * An instant from an ISO-8601 string only ({@code "2030-01-01T10:00:00Z"}, or with an offset), for
 * {@code @JsonDeserialize(using = IsoInstantDeserializer.class)}. Jackson's own deserializer also
 * takes a JSON number as epoch seconds, and reads one too large for an {@code Instant} (say
 * {@code 1.5e300}) as 1970-01-01T00:00:00Z without a word: a sale would have started at the epoch.
 * A number, like any other token but a string, is a wrong type (400), and so is a string of a
 * number ({@code "1767225600"}), which Jackson would read as epoch seconds too. See docs/adr/0040.
 */
public final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {

    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]*\\.?[0-9]*([eE][-+]?[0-9]+)?");

    public IsoInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (Instant) context.handleUnexpectedToken(Instant.class, parser);
        }
        String text = parser.getString().trim();
        if (NUMBER.matcher(text).matches()) {
            return (Instant) context.handleWeirdStringValue(
                    Instant.class, text, "an ISO-8601 instant is expected, not a number of seconds");
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
}
