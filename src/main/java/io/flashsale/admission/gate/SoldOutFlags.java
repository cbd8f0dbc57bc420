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
 * clears it if the gate admitted it; an answer that says nothing of the stock (the buyer's limit,
 * an error) hands the re-check to the next request at once. So a lost message keeps a unit off
 * offer for about one TTL and a gate call, and a sold-out item costs one gate call per TTL per
 * instance, however many buyers are waiting. Each answer carries the time its question was sent
 * ({@link #now}): an answer sent before the flag was set or cleared is older news and changes
 * nothing
 * (docs/adr/0012, 0068: when every flag simply expired, the whole crowd in flight asked the gate at
 * once, and those requests waited for Redis hundreds of milliseconds together).
 */
@Component
public class SoldOutFlags {

    private final Cache<Long, Flag> flags;
    /** When each item's flag was last cleared: a "sold out" asked before that is out of date. */
    private final Cache<Long, Long> clearedAtNanos;

    private final long ttlNanos;
    private final LongSupplier nanoTime;

    @Autowired
    SoldOutFlags(AdmissionProperties settings) {
        this(settings.gate().soldOutTtl(), System::nanoTime);
    }

    /** @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests) */
    SoldOutFlags(Duration ttl, LongSupplier nanoTime) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("FLASHSALE_GATE_SOLD_OUT_TTL must be positive, was " + ttl);
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.flags = Caffeine.newBuilder().maximumSize(100_000).build();
        // an answer is in flight for a request's lifetime at most: a minute covers it
        this.clearedAtNanos = Caffeine.newBuilder()
                .maximumSize(100_000)
                .expireAfterWrite(Duration.ofMinutes(1).plus(ttl))
                .build();
    }

    /**
     * What the gate said, the time its question was sent, and when the gate was last asked: that
     * time, or a later one when a request claimed the re-check (the flag's age counts from it).
     */
    private record Flag(long unitsLeft, long sentAtNanos, AtomicLong askedAtNanos) {}

    /** The time to give the answers of a gate call asked now, in this class's clock. */
    public long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Whether a purchase of {@code quantity} units of the item is to be refused from memory. False
     * if no flag stands or it allows that many, and for the one request that re-checks a stale flag;
     * every request let through reports the gate's answer: {@link #heard}, or {@link #unanswered}
     * if the call failed.
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

    /**
     * What the gate answered to a purchase of {@code quantity} units of the item, asked at {@code
     * sentAtNanos} ({@link #now}).
     */
    public void heard(long itemId, int quantity, GateDecision decision, long sentAtNanos) {
        switch (decision.outcome()) {
            case ADMITTED -> admitted(itemId, quantity, sentAtNanos);
            case SOLD_OUT -> markSoldOut(itemId, decision.unitsLeft(), sentAtNanos);
            case REPLAY, LIMIT_REACHED, NOT_OPEN, ATTEMPTS_EXHAUSTED, NOT_LOADED -> unanswered(itemId);
        }
    }

    /**
     * The gate refused a purchase asked at {@code sentAtNanos} as sold out, with {@code
     * unitsLeftInGate} units still there; ignored if the flag was cleared or set since.
     */
    void markSoldOut(long itemId, long unitsLeftInGate, long sentAtNanos) {
        Flag heard = new Flag(Math.max(0, unitsLeftInGate), sentAtNanos, new AtomicLong(sentAtNanos));
        // under the entry's lock, as clear and admitted: a clear cannot slip between the check and the write
        flags.asMap().compute(itemId, (id, standing) -> {
            Long cleared = clearedAtNanos.getIfPresent(id);
            if (cleared != null && cleared - sentAtNanos > 0) {
                return standing;
            }
            return standing == null || sentAtNanos - standing.sentAtNanos() > 0 ? heard : standing;
        });
    }

    /**
     * The gate admitted {@code quantity} units asked at {@code sentAtNanos}. Only more units than
     * the flag allows, asked after it was set, prove that units came back: an admission asked
     * before the sell-out was answered is older news.
     */
    void admitted(long itemId, int quantity, long sentAtNanos) {
        flags.asMap().computeIfPresent(itemId, (id, flag) -> {
            if (quantity > flag.unitsLeft() && sentAtNanos - flag.sentAtNanos() > 0) {
                clearedAtNanos.put(id, nanoTime.getAsLong());
                return null;
            }
            return flag;
        });
    }

    /**
     * The gate's answer said nothing of the stock (the buyer's limit, a closed sale), or the call
     * failed: the next request may re-check a stale flag at once.
     */
    public void unanswered(long itemId) {
        Flag flag = flags.getIfPresent(itemId);
        if (flag != null) {
            long asked = flag.askedAtNanos().get();
            if (asked != flag.sentAtNanos() && nanoTime.getAsLong() - asked < ttlNanos) {
                flag.askedAtNanos().compareAndSet(asked, asked - ttlNanos);
            }
        }
    }

    /** Units came back (a release, a warm-up). */
    void clear(long itemId) {
        flags.asMap().compute(itemId, (id, standing) -> {
            clearedAtNanos.put(id, nanoTime.getAsLong());
            return null;
        });
    }
}
