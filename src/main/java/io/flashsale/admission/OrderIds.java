package io.flashsale.admission;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/**
 * Order ids. A request without an Idempotency-Key gets a time-ordered UUID (v7), which keeps the
 * orders primary key index append-mostly. A request with one gets a name-based UUID (v5) of
 * everything it names, so every retry of it yields the same id even when Redis no longer remembers
 * the key: the orders primary key then makes it one order (docs/adr/0041).
 */
final class OrderIds {

    /** The namespace of the name-based ids; fixed forever, or retries across an upgrade would get new ids. */
    private static final UUID NAMESPACE = UUID.fromString("5b0f3c52-8d0e-4a57-9a43-6f0c2a3e8b11");
    private static final TimeBasedEpochGenerator TIME_ORDERED = Generators.timeBasedEpochGenerator();
    private static final NameBasedGenerator NAME_BASED = Generators.nameBasedGenerator(NAMESPACE);

    private OrderIds() {
    }

    static UUID fresh() {
        return TIME_ORDERED.generate();
    }

    /** The same for the same deployment, item, buyer, quantity and key; each part encoded so none can run into the next. */
    static UUID forRequest(String keyPrefix, long itemId, String userId, int quantity, String idempotencyKey) {
        return NAME_BASED.generate(String.join(":", GateKeys.segment(keyPrefix), Long.toString(itemId),
                GateKeys.segment(userId), Integer.toString(quantity), GateKeys.segment(idempotencyKey)));
    }
}
