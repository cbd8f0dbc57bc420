package io.flashsale.admission.gate;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Order ids. A request without an Idempotency-Key gets a time-ordered UUID (v7), which keeps the
 * orders primary key index append-mostly. A request with one gets a name-based UUID (v5) of
 * everything it names, so every retry of it yields the same id even when Redis no longer remembers
 * the key: the orders primary key then makes it one order (docs/adr/0041).
 */
public final class OrderIds {

    /** The namespace of the name-based ids; fixed forever, or retries across an upgrade would get new ids. */
    private static final UUID NAMESPACE = UUID.fromString("5b0f3c52-8d0e-4a57-9a43-6f0c2a3e8b11");

    private static final TimeBasedEpochGenerator TIME_ORDERED = Generators.timeBasedEpochGenerator();
    private static final NameBasedGenerator NAME_BASED = Generators.nameBasedGenerator(NAMESPACE);

    private OrderIds() {}

    public static UUID fresh() {
        return TIME_ORDERED.generate();
    }

    /** How many attempts one Idempotency-Key gets: each withdrawn attempt spends one id. */
    static final int ATTEMPTS = 8;

    /**
     * The ids of a keyed request's attempts, first to last: the same for the same deployment, item,
     * buyer, quantity and key, each part encoded so none can run into the next. The first attempt
     * that was not withdrawn is the request's order (see reserve.lua).
     */
    public static List<UUID> forRequest(
            String keyPrefix, long itemId, String userId, int quantity, String idempotencyKey) {
        String request = String.join(
                ":",
                GateKeys.segment(keyPrefix),
                Long.toString(itemId),
                GateKeys.segment(userId),
                Integer.toString(quantity),
                GateKeys.segment(idempotencyKey));
        List<UUID> attempts = new ArrayList<>(ATTEMPTS);
        attempts.add(NAME_BASED.generate(request));
        for (int attempt = 2; attempt <= ATTEMPTS; attempt++) {
            attempts.add(NAME_BASED.generate(request + ":" + attempt));
        }
        return attempts;
    }
}
