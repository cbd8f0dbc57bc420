package io.flashsale.shared;

import java.time.Instant;
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
 * A number, like any other token but a string, is a wrong type (400). See docs/adr/0040.
 */
public final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {

    public IsoInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            return (Instant) context.handleUnexpectedToken(Instant.class, parser);
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }
}
