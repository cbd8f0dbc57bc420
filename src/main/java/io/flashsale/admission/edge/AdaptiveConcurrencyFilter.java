package io.flashsale.admission.edge;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.flashsale.shared.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Load shedding on the purchase endpoints: at most {@code limit} purchases are in progress at once,
 * and the limit follows measured latency (Netflix concurrency-limits' Gradient2: it grows while
 * latency stays near its long-term average and shrinks when latency climbs). A request over the
 * limit is answered 503 at once rather than queueing behind the others until it times out, so the
 * requests that are taken keep a bounded latency (docs/adr/0011).
 */
class AdaptiveConcurrencyFilter extends OncePerRequestFilter {

    private final SimpleLimiter<Void> limiter;
    private final Counter shed;
    private final String retryAfter;

    AdaptiveConcurrencyFilter(ConcurrencyLimitProperties settings, MeterRegistry meters) {
        this.limiter = SimpleLimiter.newBuilder()
                .named("purchase")
                .limit(Gradient2Limit.newBuilder()
                        .initialLimit(settings.initial())
                        .minLimit(settings.min())
                        .maxConcurrency(settings.max())
                        // latency on a shared machine is noisy: only shrink when it doubles, not at +50 %
                        .rttTolerance(2.0)
                        .build())
                .build();
        this.retryAfter = Long.toString(Math.max(1, settings.retryAfter().toSeconds()));
        Gauge.builder("flashsale.purchase.concurrency.limit", limiter, SimpleLimiter::getLimit)
                .description("purchase requests this instance takes at once (adaptive)")
                .register(meters);
        Gauge.builder("flashsale.purchase.concurrency.inflight", limiter, SimpleLimiter::getInflight)
                .description("purchase requests in progress")
                .register(meters);
        this.shed = Counter.builder("flashsale.purchase.shed")
                .description("purchase requests answered 503 by the concurrency limit")
                .register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !EdgeRefusals.isPurchase(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Limiter.Listener> token = limiter.acquire(null);
        if (token.isEmpty()) {
            shed.increment();
            EdgeRefusals.write(
                    request,
                    response,
                    ErrorCode.UNAVAILABLE,
                    "The service is at capacity, retry shortly",
                    Map.of(HttpHeaders.RETRY_AFTER, retryAfter));
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            token.get().onIgnore();
            throw e;
        }
        if (response.getStatus() >= 500) {
            token.get().onDropped();
        } else {
            token.get().onSuccess();
        }
    }
}
