package io.flashsale.admission.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Token buckets per buyer, per client address and for the whole instance, all in local memory:
 * a limited request never costs a Redis or RabbitMQ call (docs/adr/0010). Buckets of buyers and
 * addresses not seen for a minute are dropped; a returning client starts with a full bucket.
 */
@Component
public class PurchaseRateLimits {

    /** A refusal and the headers that tell the client when to come back. */
    record Refusal(String policy, Map<String, String> headers) {

        ApiException asException() {
            return new ApiException(
                    ErrorCode.RATE_LIMITED, "Too many purchase requests (" + policy + " limit), retry later", headers);
        }
    }

    private final RateLimitProperties settings;
    private final Cache<String, Bucket> buyers;
    private final Cache<String, Bucket> addresses;
    private final Bucket global;

    PurchaseRateLimits(RateLimitProperties settings) {
        this.settings = settings;
        this.buyers = Caffeine.newBuilder()
                .maximumSize(settings.trackedKeys())
                .expireAfterAccess(Duration.ofMinutes(1))
                .build();
        this.addresses = Caffeine.newBuilder()
                .maximumSize(settings.trackedKeys())
                .expireAfterAccess(Duration.ofMinutes(1))
                .build();
        this.global =
                settings.globalPerSecond() > 0 ? bucket(settings.globalPerSecond(), settings.globalBurst()) : null;
    }

    /** Throws 429 RATE_LIMITED if this buyer is over their limit. */
    public void checkBuyer(String buyer) {
        if (!settings.enabled() || settings.buyerPerSecond() <= 0) {
            return;
        }
        Bucket bucket = buyers.get(buyer, key -> bucket(settings.buyerPerSecond(), settings.buyerBurst()));
        refusal("buyer", bucket, settings.buyerPerSecond()).ifPresent(refusal -> {
            throw refusal.asException();
        });
    }

    /** The client address first, so one noisy client cannot drain the instance's bucket for everybody. */
    Optional<Refusal> checkClient(String address) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        if (settings.addressPerSecond() > 0) {
            Bucket bucket = addresses.get(address, key -> bucket(settings.addressPerSecond(), settings.addressBurst()));
            var refused = refusal("address", bucket, settings.addressPerSecond());
            if (refused.isPresent()) {
                return refused;
            }
        }
        return global == null ? Optional.empty() : refusal("instance", global, settings.globalPerSecond());
    }

    private static Optional<Refusal> refusal(String policy, Bucket bucket, int perSecond) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        long retryAfter = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        var headers = new LinkedHashMap<String, String>();
        headers.put(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        // draft-ietf-httpapi-ratelimit-headers: the policy (the sustained quota q per w seconds; a
        // token bucket also allows a burst on top, which the draft has no field for) and its state.
        headers.put("RateLimit-Policy", "\"%s\";q=%d;w=1".formatted(policy, perSecond));
        headers.put("RateLimit", "\"%s\";r=0;t=%d".formatted(policy, retryAfter));
        return Optional.of(new Refusal(policy, headers));
    }

    private static Bucket bucket(int perSecond, int burst) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(Math.max(burst, 1))
                        .refillGreedy(perSecond, Duration.ofSeconds(1))
                        .build())
                .build();
    }
}
