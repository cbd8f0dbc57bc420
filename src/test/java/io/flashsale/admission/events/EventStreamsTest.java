package io.flashsale.admission.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.payment.UnitReturns;
import io.flashsale.support.EventStream;
import io.flashsale.support.EventStream.Event;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The Server-Sent Events streams (docs/adr/0050): an order's status and an item's units pushed as
 * they change, through Redis pub/sub, resumed with Last-Event-ID, bounded per instance. A small
 * bound and a quick heartbeat here, so that the bound is reached with a few streams and a stream
 * the test closed is noticed at once.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.events.max-connections=3", "flashsale.events.heartbeat=200ms"})
class EventStreamsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration QUIET = Duration.ofMillis(1500);

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    EventStreams streams;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RedisMessageListenerContainer gateChangeListener;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    UnitReturns returns;

    FlashSaleClient client;
    final List<EventStream> opened = new ArrayList<>();

    @BeforeEach
    void connect() {
        client = fixture.client();
        await().atMost(Duration.ofSeconds(30)).until(gateChangeListener::isListening);
        await().atMost(Duration.ofSeconds(5)).until(() -> streams.openStreams() == 0);
    }

    @AfterEach
    void closeStreams() {
        opened.forEach(EventStream::close);
    }

    EventStream open(String path, String... headers) {
        EventStream stream = EventStream.open(port, path, headers);
        opened.add(stream);
        return stream;
    }

    @Test
    void anOrdersStreamStartsWithItsStatusThenPushesItsSettlement() {
        CreatedItem item = client.openSale(5, 1);
        Lifecycle settlement = context.getBean("settlementContainer", Lifecycle.class);
        settlement.stop();
        Response accepted;
        EventStream stream;
        try {
            accepted = client.buy(item.itemId(), "alice", 1);
            assertThat(accepted.status()).isEqualTo(202);
            stream = open("/api/v1/orders/" + accepted.orderId() + "/events");

            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(stream.headers().firstValue("X-Accel-Buffering")).contains("no");
            Event pending = stream.next("status", WAIT);
            assertThat(pending.id()).isEqualTo("PENDING");
            assertThat(pending.json().path("orderId").asString())
                    .isEqualTo(accepted.orderId().toString());
            assertThat(pending.json().path("status").asString()).isEqualTo("PENDING");
        } finally {
            settlement.start();
        }

        Event confirmed = stream.next("status", WAIT);
        assertThat(confirmed.id()).isEqualTo("CONFIRMED");
        assertThat(confirmed.json().path("status").asString()).isEqualTo("CONFIRMED");
        assertThat(confirmed.json().path("userId").asString()).isEqualTo("alice");
        assertThat(confirmed.json().path("itemId").asLong()).isEqualTo(item.itemId());
        assertThat(confirmed.json().path("payBy").asString())
                .as("the pushed hold names the end of its payment window")
                .isEqualTo(client.get("/api/v1/orders/" + accepted.orderId())
                        .body()
                        .path("payBy")
                        .asString())
                .isNotEmpty();
    }

    @Test
    void aReconnectIsSentOnlyWhatItHasNotSeen() {
        CreatedItem item = client.openSale(5, 1);
        UUID orderId = client.buy(item.itemId(), "bob", 1).orderId();
        await().atMost(WAIT).until(() -> client.get("/api/v1/orders/" + orderId)
                .body()
                .path("status")
                .asString()
                .equals("CONFIRMED"));
        String path = "/api/v1/orders/" + orderId + "/events";

        EventStream upToDate = open(path, "Last-Event-ID", "CONFIRMED");
        EventStream behind = open(path + "?lastEventId=PENDING");
        EventStream garbled = open(path, "Last-Event-ID", "NOT-A-STATUS");

        assertThat(upToDate.status()).isEqualTo(200);
        assertThat(upToDate.next("status", QUIET)).isNull();
        assertThat(behind.next("status", WAIT).id()).isEqualTo("CONFIRMED");
        assertThat(garbled.next("status", WAIT).id()).isEqualTo("CONFIRMED");
    }

    @Test
    void anItemsStreamPushesItsUnitsAsTheyGoAndResumesFromTheLastFigure() {
        CreatedItem item = client.openSale(5, 1);
        EventStream itemStream = open("/api/v1/items/" + item.itemId() + "/events");
        EventStream saleStream = open("/api/v1/sales/" + item.saleId() + "/events");

        Event first = itemStream.next("stock", WAIT);
        assertThat(first.json().path("itemId").asLong()).isEqualTo(item.itemId());
        assertThat(first.json().path("remaining").asInt()).isEqualTo(5);
        assertThat(first.id()).isEqualTo(item.itemId() + ":5");
        assertThat(saleStream.next("stock", WAIT).json().path("remaining").asInt())
                .isEqualTo(5);

        assertThat(client.buy(item.itemId(), "carol", 1).status()).isEqualTo(202);
        assertThat(client.buy(item.itemId(), "dave", 1).status()).isEqualTo(202);

        assertThat(lastRemaining(itemStream, 3)).isEqualTo(item.itemId() + ":3");
        assertThat(lastRemaining(saleStream, 3)).isEqualTo(item.itemId() + ":3");

        // at most three streams here: make room
        itemStream.close();
        saleStream.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
        EventStream resumed = open("/api/v1/items/" + item.itemId() + "/events", "Last-Event-ID", item.itemId() + ":3");
        EventStream stale = open("/api/v1/items/" + item.itemId() + "/events?lastEventId=" + item.itemId() + ":5");
        assertThat(resumed.next("stock", QUIET))
                .as("nothing moved since the client's last event")
                .isNull();
        assertThat(stale.next("stock", WAIT).json().path("remaining").asInt()).isEqualTo(3);
    }

    @Test
    void theLifecycleIsPushedToo_paidAndCancelledOrdersAndTheUnitsTheyGiveBack() {
        CreatedItem item = client.openSale(3, 1);
        UUID paid = client.buy(item.itemId(), "erin", 1).orderId();
        UUID cancelled = client.buy(item.itemId(), "frank", 1).orderId();
        UUID timedOut = client.buy(item.itemId(), "grace", 1).orderId();
        await().atMost(WAIT).until(() -> List.of(paid, cancelled, timedOut).stream()
                .allMatch(order -> client.status(order).equals("CONFIRMED")));
        EventStream itemStream = open("/api/v1/items/" + item.itemId() + "/events");
        assertThat(itemStream.next("stock", WAIT).json().path("remaining").asInt())
                .isZero();

        EventStream paidStream = open("/api/v1/orders/" + paid + "/events", "Last-Event-ID", "CONFIRMED");
        assertThat(client.pay(paid, "psp-erin").status()).isEqualTo(200);
        Event paidEvent = paidStream.next("status", WAIT);
        assertThat(paidEvent.id()).isEqualTo("PAID");
        assertThat(paidEvent.json().has("payBy")).as("no window once paid").isFalse();
        closeAndWait(paidStream);

        EventStream cancelledStream = open("/api/v1/orders/" + cancelled + "/events", "Last-Event-ID", "CONFIRMED");
        assertThat(client.cancel(cancelled).status()).isEqualTo(200);
        Event cancelledEvent = cancelledStream.next("status", WAIT);
        assertThat(cancelledEvent.id()).isEqualTo("CANCELLED");
        assertThat(cancelledEvent.json().path("reason").asString()).isEqualTo("BUYER_CANCELLED");
        assertThat(lastRemaining(itemStream, 1)).isEqualTo(item.itemId() + ":1");
        closeAndWait(cancelledStream);

        EventStream timedOutStream = open("/api/v1/orders/" + timedOut + "/events", "Last-Event-ID", "CONFIRMED");
        jdbc.sql("UPDATE orders SET pay_by = now() - interval '1 second' WHERE order_id = ?")
                .param(timedOut)
                .update();
        returns.cancelOverdue();
        Event timedOutEvent = timedOutStream.next("status", WAIT);
        assertThat(timedOutEvent.id()).isEqualTo("CANCELLED");
        assertThat(timedOutEvent.json().path("reason").asString()).isEqualTo("PAYMENT_TIMEOUT");
        assertThat(lastRemaining(itemStream, 2)).isEqualTo(item.itemId() + ":2");
        assertThat(paidStream.next("status", QUIET)).as("a final status stays").isNull();
    }

    private void closeAndWait(EventStream stream) {
        int before = streams.openStreams();
        stream.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == before - 1);
    }

    /** Reads stock events until one says {@code remaining}; returns its id. */
    private static String lastRemaining(EventStream stream, int remaining) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = stream.next("stock", WAIT);
            assertThat(event).as("a stock event down to %d", remaining).isNotNull();
            if (event.json().path("remaining").asInt() == remaining) {
                return event.id();
            }
        }
        throw new AssertionError("no stock event down to " + remaining);
    }

    @Test
    void unknownOrMalformedIdsAreRefusedWithProblemDetailsAndHoldNothingOpen() {
        EventStream unknownOrder = open("/api/v1/orders/" + UUID.randomUUID() + "/events");
        EventStream malformedOrder = open("/api/v1/orders/not-a-uuid/events");
        EventStream unknownItem = open("/api/v1/items/987654321/events");
        EventStream zeroItem = open("/api/v1/items/0/events");
        EventStream unknownSale = open("/api/v1/sales/987654321/events");

        assertThat(List.of(
                        unknownOrder.status(),
                        malformedOrder.status(),
                        unknownItem.status(),
                        zeroItem.status(),
                        unknownSale.status()))
                .containsExactly(404, 400, 404, 400, 404);
        assertThat(unknownOrder.problem().path("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(unknownItem.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(streams.openStreams()).isZero();
    }

    @Test
    void beyondItsBoundAnInstanceRefusesAStreamWith503UntilOneCloses() {
        CreatedItem item = client.openSale(5, 1);
        String path = "/api/v1/items/" + item.itemId() + "/events";
        double refusedBefore = meters.get("flashsale.events.refused").counter().count();
        List<EventStream> three = List.of(open(path), open(path), open(path));
        three.forEach(stream -> assertThat(stream.status()).isEqualTo(200));
        assertThat(meters.get("flashsale.events.connections").gauge().value()).isEqualTo(3);

        EventStream fourth = open(path);

        assertThat(fourth.status()).isEqualTo(503);
        assertThat(fourth.problem().path("code").asString()).isEqualTo("UNAVAILABLE");
        assertThat(fourth.headers().firstValue("Retry-After")).contains("5");
        assertThat(meters.get("flashsale.events.refused").counter().count()).isEqualTo(refusedBefore + 1);

        three.getFirst().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 2);
        assertThat(open(path).status()).isEqualTo(200);
    }
}
