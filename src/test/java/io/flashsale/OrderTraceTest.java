package io.flashsale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.InProcessApp;
import io.flashsale.support.IsolatedEnvironment;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An API and a worker, each in its own application context on one isolated environment, as two
 * processes of a deployment would be: the order's trace must cross RabbitMQ (the only thing the
 * two share), and both must log the order as JSON lines carrying its id and that trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrderTraceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name =
            "it_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final InMemorySpanExporter apiSpans = InMemorySpanExporter.create();
    private final InMemorySpanExporter workerSpans = InMemorySpanExporter.create();
    private InProcessApp api;
    private InProcessApp worker;

    private void startAnApiAndAWorker(String samplingProbability) {
        // Logging is set up once per JVM: a test context started before this test (and cached by
        // Spring) leaves it marked initialized in plain text, and these apps could not switch it to JSON.
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();
        IsolatedEnvironment.createDatabase(name);
        api = InProcessApp.start(name, settings("api", samplingProbability), context -> context.getBeanFactory()
                .registerSingleton("testSpanExporter", apiSpans));
        worker = InProcessApp.start(name, settings("worker", samplingProbability), context -> context.getBeanFactory()
                .registerSingleton("testSpanExporter", workerSpans));
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (api != null) {
            api.close();
        }
        IsolatedEnvironment.removeEverythingOf(
                name,
                new OrderQueues(name, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25))));
    }

    @Test
    void theApiAndTheWorkerSeeOneTraceForAnOrderAndLogItAsJson(CapturedOutput output) {
        startAnApiAndAWorker("1.0");
        FlashSaleClient client = api.client();
        var item = client.openSale(3, 1);

        UUID orderId = buyAndAwaitConfirmation(client, item.itemId(), "alice");

        // One JVM has one logging set-up, so the lines are told apart by logger: each is a bean of one role only.
        JsonNode admitted = awaitLogLine(output, orderId, "io.flashsale.admission.OrderQueueing");
        JsonNode settled = awaitLogLine(output, orderId, "io.flashsale.settlement.OrderRequestListener");
        String traceId = admitted.path("traceId").asString();
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(admitted.path("itemId").asLong()).isEqualTo(item.itemId());
        assertThat(admitted.path("message").asString()).contains("admitted");
        assertThat(settled.path("traceId").asString()).isEqualTo(traceId);
        assertThat(settled.path("itemId").asLong()).isEqualTo(item.itemId());
        assertThat(settled.path("message").asString()).contains("settled CONFIRMED");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> apiTrace = inTrace(apiSpans, traceId);
            List<SpanData> workerTrace = inTrace(workerSpans, traceId);
            SpanData request = single(apiTrace, SpanKind.SERVER);
            SpanData publish = single(apiTrace, SpanKind.PRODUCER);
            SpanData settle = named(workerTrace, "settle order");
            SpanData sync = named(workerTrace, "sync gate");
            assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(settle.getParentSpanId())
                    .as("the worker continues the message's trace")
                    .isEqualTo(publish.getSpanId());
            assertThat(settle.getAttributes().get(AttributeKey.stringKey("flashsale.order.id")))
                    .isEqualTo(orderId.toString());
            assertThat(settle.getAttributes().get(AttributeKey.stringKey("flashsale.order.status")))
                    .isEqualTo("CONFIRMED");
            assertThat(sync.getParentSpanId()).isEqualTo(settle.getSpanId());
        });
    }

    @Test
    void anUnsampledOrderIsLoggedUnderOneTraceIdByBothAndExportsNoSpan(CapturedOutput output) {
        startAnApiAndAWorker("0.0");
        FlashSaleClient client = api.client();

        UUID orderId = buyAndAwaitConfirmation(client, client.openSale(3, 1).itemId(), "bob");

        JsonNode admitted = awaitLogLine(output, orderId, "io.flashsale.admission.OrderQueueing");
        JsonNode settled = awaitLogLine(output, orderId, "io.flashsale.settlement.OrderRequestListener");
        String traceId = admitted.path("traceId").asString();
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(settled.path("traceId").asString())
                .as("the message carries the unsampled request's context")
                .isEqualTo(traceId);
        assertThat(inTrace(apiSpans, traceId)).isEmpty();
        assertThat(inTrace(workerSpans, traceId)).isEmpty();
    }

    private static UUID buyAndAwaitConfirmation(FlashSaleClient client, long itemId, String buyer) {
        UUID orderId = client.buy(itemId, buyer, 1).orderId();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.get("/api/v1/orders/" + orderId)
                .body()
                .path("status")
                .asString()
                .equals("CONFIRMED"));
        return orderId;
    }

    private JsonNode awaitLogLine(CapturedOutput output, UUID orderId, String logger) {
        return await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> output.getOut()
                                .lines()
                                .filter(line -> line.startsWith("{"))
                                .map(JSON::readTree)
                                .filter(line ->
                                        line.path("orderId").asString("").equals(orderId.toString()))
                                .filter(line -> line.path("log")
                                        .path("logger")
                                        .asString("")
                                        .equals(logger))
                                .findFirst()
                                .orElse(null),
                        line -> line != null);
    }

    private static List<SpanData> inTrace(InMemorySpanExporter spans, String traceId) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId))
                .toList();
    }

    private static SpanData single(List<SpanData> spans, SpanKind kind) {
        return spans.stream()
                .filter(span -> span.getKind() == kind)
                .reduce((a, b) -> {
                    throw new AssertionError("More than one " + kind + " span: " + spans);
                })
                .orElseThrow(() -> new AssertionError("No " + kind + " span in " + spans));
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream()
                .filter(span -> span.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No span '" + name + "' in " + spans));
    }

    private static Map<String, Object> settings(String role, String samplingProbability) {
        return Map.of(
                "flashsale.roles",
                role,
                "spring.application.name",
                "flashsale-" + role,
                "logging.structured.format.console",
                "ecs",
                "management.tracing.sampling.probability",
                samplingProbability,
                "management.opentelemetry.tracing.export.schedule-delay",
                "100ms");
    }
}
