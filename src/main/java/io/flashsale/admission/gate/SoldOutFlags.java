package io.flashsale.admission.gate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What this instance last heard from the gate about items it refused as sold out: the units the
 * gate still had then (0, or fewer than were asked for). While the flag stands, a purchase of more
 * than that is answered 409 from memory, without a Redis call. Units only come back through a
 * release or a warm-up, and both clear the flag on every instance through Redis pub/sub
 * ({@link GateChangeSubscriber}).
 *
 * <p>In case such a message was lost, a flag older than {@code FLASHSALE_GATE_SOLD_OUT_TTL} is
 * checked again, by one request only: the first purchase that finds it stale asks the gate, and
 * the rest of the crowd is still answered from memory meanwhile. Its answer sets a fresh flag, or
 * clears it if the gate admitted it. If that request never brings an answer (Redis failed it),
 * another may ask one TTL later. So a lost message keeps a unit off offer for at most two TTLs,
 * and a sold-out item costs one gate call per TTL per instance, however many buyers are waiting
 * (docs/adr/0012, 0068: when every flag simply expired, the whole crowd in flight asked the gate at
 * once, and those requests waited for Redis hundreds of milliseconds together).
 */
@Component
public class SoldOutFlags {

    private final Cache<Long, Flag> flags;
    private final long ttlNanos;
    private final LongSupplier nanoTime;

    @Autowired
    SoldOutFlags(AdmissionProperties settings) {
        this(settings.gate().soldOutTtl(), System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests) */
    SoldOutFlags(Duration ttl, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.flags = Caffeine.newBuilder().maximumSize(100_000).build();
    }

    /**
     * What the gate said, and when it was last asked: when it said so, then when a request claimed
     * the re-check.
     */
    private record Flag(long unitsLeft, AtomicLong askedAtNanos) {}

    /**
     * Whether a purchase of {@code quantity} units of the item is to be refused from memory. False
     * if no flag stands or it allows that many, and for the one request that re-checks a stale flag;
     * that request must then report the gate's answer ({@link #markSoldOut} or {@link #admitted}).
     */
    public boolean isSoldOutFor(long itemId, int quantity) {
        Flag flag = flags.getIfPresent(itemId);
        if (flag == null || quantity <= flag.unitsLeft()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long asked = flag.askedAtNanos().get();
        if (now - asked < ttlNanos) {
            return true;
        }
        // stale: the one request that moves the time on asks the gate, the others lose the race
        return !flag.askedAtNanos().compareAndSet(asked, now);
    }

    /** The gate refused a purchase as sold out, with {@code unitsLeftInGate} units still there. */
    public void markSoldOut(long itemId, long unitsLeftInGate) {
        flags.put(itemId, new Flag(Math.max(0, unitsLeftInGate), new AtomicLong(nanoTime.getAsLong())));
    }

    /** The gate admitted a purchase of the item: any flag this instance had is out of date. */
    public void admitted(long itemId) {
        flags.invalidate(itemId);
    }

    void clear(long itemId) {
        flags.invalidate(itemId);
    }
}
