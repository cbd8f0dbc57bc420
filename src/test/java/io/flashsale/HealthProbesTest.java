package io.flashsale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.InProcessApp;
import io.flashsale.support.IsolatedEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;

/**
 * The probes an orchestrator asks: liveness says the process works, readiness says it can serve,
 * which needs PostgreSQL, Redis and RabbitMQ, and stops being true as soon as a graceful shutdown
 * begins, while the server still answers.
 */
class HealthProbesTest {

    private final String name =
            "it_h_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @BeforeEach
    void createEnvironment() {
        IsolatedEnvironment.createDatabase(name);
    }

    @AfterEach
    void removeEnvironment() {
        IsolatedEnvironment.removeEverythingOf(
                name,
                new OrderQueues(name, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25))));
    }

    @Test
    void readinessReflectsTheBackingServicesAndGoesDownAsSoonAsAGracefulShutdownBegins() throws Exception {
        var holdShutdown = new CountDownLatch(1);
        var shutdownReached = new CountDownLatch(1);
        InProcessApp app = InProcessApp.start(name, Map.of(), context -> context.getBeanFactory()
                .registerSingleton("shutdownHold", new ShutdownHold(shutdownReached, holdShutdown)));
        CompletableFuture<Void> closing = null;
        try {
            var client = app.client();
            Response ready = client.get("/actuator/health/readiness");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.body().path("status").asString()).isEqualTo("UP");
            assertThat(ready.body().path("components").propertyNames())
                    .containsExactlyInAnyOrder("readinessState", "db", "redis", "rabbit");
            Response live = client.get("/actuator/health/liveness");
            assertThat(live.status()).isEqualTo(200);
            assertThat(live.body().path("status").asString()).isEqualTo("UP");
            assertThat(live.body().toString())
                    .as("liveness leaves the backing services out")
                    .doesNotContain("db", "redis", "rabbit");

            closing = CompletableFuture.runAsync(app::close);
            assertThat(shutdownReached.await(30, TimeUnit.SECONDS))
                    .as("shutdown began")
                    .isTrue();

            Response refusing = client.get("/actuator/health/readiness");
            assertThat(refusing.status()).isEqualTo(503);
            assertThat(refusing.body().path("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
        } finally {
            holdShutdown.countDown();
            if (closing == null) {
                app.close();
            } else {
                closing.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void readinessIsDownAndNamesTheCulpritsWhileRedisAndRabbitMqCannotBeReached() {
        try (InProcessApp app = InProcessApp.start(
                name,
                Map.of(
                        "spring.data.redis.port", "1",
                        "spring.rabbitmq.port", "1",
                        "flashsale.roles", "api"),
                context -> {})) {
            var client = app.client();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Response ready = client.get("/actuator/health/readiness");
                assertThat(ready.status()).isEqualTo(503);
                assertThat(ready.body()
                                .path("components")
                                .path("redis")
                                .path("status")
                                .asString())
                        .isEqualTo("DOWN");
                assertThat(ready.body()
                                .path("components")
                                .path("rabbit")
                                .path("status")
                                .asString())
                        .isEqualTo("DOWN");
                assertThat(ready.body()
                                .path("components")
                                .path("db")
                                .path("status")
                                .asString())
                        .isEqualTo("UP");
            });
            assertThat(client.get("/actuator/health/liveness").status()).isEqualTo(200);
        }
    }

    /**
     * Stops first (highest phase) and holds the shutdown there, before the web server's graceful
     * stop, so the test can ask the probes what an orchestrator would see at that moment.
     */
    private record ShutdownHold(CountDownLatch reached, CountDownLatch release) implements SmartLifecycle {

        @Override
        public void start() {}

        @Override
        public void stop() {
            reached.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean isRunning() {
            return release.getCount() > 0;
        }

        @Override
        public int getPhase() {
            return Integer.MAX_VALUE;
        }
    }
}
