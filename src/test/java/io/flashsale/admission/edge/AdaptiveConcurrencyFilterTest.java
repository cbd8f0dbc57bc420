package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class AdaptiveConcurrencyFilterTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AdaptiveConcurrencyFilter filter =
            new AdaptiveConcurrencyFilter(new ConcurrencyLimitProperties(true, 2, 2, 2, Duration.ofSeconds(3)), meters);

    @Test
    void aPurchaseOverTheLimitIsShedAtOnceWith503AndRetryAfter() throws Exception {
        var release = new CountDownLatch(1);
        var inside = new AtomicInteger();
        Runnable slowPurchase = () -> {
            try {
                filter.doFilter(purchase("/api/v1/orders"), new MockHttpServletResponse(), (request, response) -> {
                    inside.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var first = Thread.ofVirtual().start(slowPurchase);
        var second = Thread.ofVirtual().start(slowPurchase);
        await().atMost(Duration.ofSeconds(5)).until(() -> inside.get() == 2);

        var shed = new MockHttpServletResponse();
        filter.doFilter(purchase("/api/v1/orders"), shed, (request, response) -> inside.incrementAndGet());
        var legacy = new MockHttpServletResponse();
        filter.doFilter(purchase("/flashsale/precheck"), legacy, (request, response) -> inside.incrementAndGet());
        var read = new MockHttpServletResponse();
        filter.doFilter(
                new MockHttpServletRequest("GET", "/api/v1/orders/1"),
                read,
                (request, response) -> inside.incrementAndGet());
        release.countDown();
        first.join();
        second.join();

        assertThat(shed.getStatus()).isEqualTo(503);
        assertThat(shed.getHeader("Retry-After")).isEqualTo("3");
        assertThat(shed.getContentType()).startsWith("application/problem+json");
        assertThat(shed.getContentAsString()).contains("\"code\":\"UNAVAILABLE\"");
        assertThat(legacy.getStatus()).isEqualTo(503);
        assertThat(legacy.getContentAsString()).contains("\"status\":\"error\"").contains("\"error\":");
        assertThat(inside.get())
                .as("the two slow purchases and the read, which is not limited")
                .isEqualTo(3);
        assertThat(meters.get("flashsale.purchase.shed").counter().count()).isEqualTo(2);
    }

    private static MockHttpServletRequest purchase(String path) {
        var request = new MockHttpServletRequest("POST", path);
        request.setServletPath(path);
        return request;
    }
}
