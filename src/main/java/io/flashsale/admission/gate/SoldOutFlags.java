package io.flashsale.admission.gate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;

/**
 * What this instance last heard from the gate about items it refused as sold out: the units the
 * gate still had then (0, or fewer than were asked for). While the flag stands, a purchase of more
 * than that is answered 409 from memory, without a Redis call. Units only come back through a
 * release or a warm-up, and both clear the flag on every instance through Redis pub/sub
 * ({@link GateChangeSubscriber}); the flag also expires after {@code FLASHSALE_GATE_SOLD_OUT_TTL}
 * in case such a message was lost (docs/adr/0012).
 */
@Component
public class SoldOutFlags {

    private final Cache<Long, Long> unitsLeft;

    SoldOutFlags(AdmissionProperties settings) {
        this.unitsLeft = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(settings.gate().soldOutTtl())
                .build();
    }

    public boolean isSoldOutFor(long itemId, int quantity) {
        Long left = unitsLeft.getIfPresent(itemId);
        return left != null && quantity > left;
    }

    public void markSoldOut(long itemId, long unitsLeftInGate) {
        unitsLeft.put(itemId, Math.max(0, unitsLeftInGate));
    }

    void clear(long itemId) {
        unitsLeft.invalidate(itemId);
    }
}
