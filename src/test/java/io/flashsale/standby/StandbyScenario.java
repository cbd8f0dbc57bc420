package io.flashsale.standby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.GateReturns;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.payment.UnitReturns;
import io.flashsale.support.Crowd;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.SaleInvariants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The standby list end to end, in both gate modes (subclasses): returned units go to the buyers
 * standing by, first come, first served, as orders that are settled and paid like purchases. The
 * reconciler's schedule is off; the test runs the sweeps.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.payment.window=1h", "flashsale.reconciler.interval=1h"})
abstract class StandbyScenario {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    GateReturns gateReturns;

    @Autowired
    UnitReturns returns;

    @Autowired
    StandbyQueue standby;

    FlashSaleClient client;
    SaleInvariants invariants;

    @BeforeEach
    void connect() {
        client = fixture.client();
        invariants = fixture.invariants();
    }

    @Test
    void returnedUnitsServeTheBuyersStandingByFirstComeFirstServed() {
        CreatedItem item = client.openSale(2, 1);
        UUID alices = confirmedPurchase(item, "alice");
        UUID bobs = confirmedPurchase(item, "bob");
        Response carol = client.standBy(item.itemId(), "carol", 1);
        Response dave = client.standBy(item.itemId(), "dave", 1);
        Response erin = client.standBy(item.itemId(), "erin", 1);
        assertThat(carol.status()).isEqualTo(202);
        assertThat(List.of(
                        carol.body().path("position").asInt(),
                        dave.body().path("position").asInt(),
                        erin.body().path("position").asInt()))
                .containsExactly(1, 2, 3);
        UUID erins = standbyId(erin);
        assertThat(client.delete("/api/v1/standby/" + erins)
                        .body()
                        .path("status")
                        .asString())
                .isEqualTo("WITHDRAWN");
        assertThat(client.delete("/api/v1/standby/" + erins).status()).isEqualTo(200);
        assertThat(standbyId(client.standBy(item.itemId(), "dave", 1))).isEqualTo(standbyId(dave));
        assertThat(client.get("/api/v1/standby/" + standbyId(dave))
                        .body()
                        .path("position")
                        .asInt())
                .isEqualTo(2);

        assertThat(client.cancel(alices).status()).isEqualTo(200);
        Response carolServed = client.get("/api/v1/standby/" + standbyId(carol));
        assertThat(carolServed.body().path("status").asString()).isEqualTo("SERVED");
        UUID carols = UUID.fromString(carolServed.body().path("orderId").asString());
        assertThat(client.buy(item.itemId(), "frank", 1).code())
                .as("the returned unit went to carol")
                .isEqualTo("SOLD_OUT");
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(carols)));
        assertThat(client.get("/api/v1/orders/" + carols).body().has("payBy")).isTrue();
        assertThat(client.pay(carols, "psp-carol").body().path("status").asString())
                .isEqualTo("PAID");

        jdbc.sql("UPDATE orders SET pay_by = now() - interval '1 second' WHERE order_id = ?")
                .param(bobs)
                .update();
        assertThat(returns.cancelOverdue()).isEqualTo(1);
        Response daveServed = client.get("/api/v1/standby/" + standbyId(dave));
        assertThat(daveServed.body().path("status").asString()).isEqualTo("SERVED");
        UUID daves = UUID.fromString(daveServed.body().path("orderId").asString());
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(daves)));

        invariants.awaitQuietAndAssert(item.itemId(), Set.of(alices, bobs, carols, daves), Duration.ofSeconds(20));
        invariants.assertBuyersMatchHoldings(item.itemId());
        assertThat(gate.tokens(item.itemId())).contains(0L);
    }

    @Test
    void refusesAStandingOrderWhileUnitsAreLeftTwiceOrBeyondTheLimit() {
        CreatedItem item = client.openSale(2, 2);
        assertThat(client.standBy(item.itemId(), "gina", 1).code()).isEqualTo("NOT_SOLD_OUT");
        UUID ginas = client.buy(item.itemId(), "gina", 2).orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(ginas)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gate.tokens(item.itemId()).orElse(-1L) == 0);

        assertThat(client.standBy(item.itemId(), "gina", 1).code()).isEqualTo("ALREADY_PURCHASED");
        assertThat(client.standBy(item.itemId(), "hank", 3).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.standBy(item.itemId(), "hank", 1).status()).isEqualTo(202);
        assertThat(client.standBy(item.itemId(), "hank", 2).code()).isEqualTo("ALREADY_STANDING_BY");
        assertThat(client.standBy(999_999, "hank", 1).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/standby/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void standingOrdersExpireWhenTheSaleEnds() {
        CreatedItem item = client.openSale(1, 1);
        UUID ivans = confirmedPurchase(item, "ivan");
        UUID julias = standbyId(client.standBy(item.itemId(), "julia", 1));
        jdbc.sql("UPDATE flash_sales SET ends_at = now() WHERE id = ?")
                .param(item.saleId())
                .update();

        standby.serveWaiting(Duration.ofSeconds(1));

        assertThat(client.get("/api/v1/standby/" + julias).body().path("status").asString())
                .isEqualTo("EXPIRED");
        assertThat(client.delete("/api/v1/standby/" + julias).code()).isEqualTo("NOT_WAITING");
        invariants.assertAll(item.itemId(), Set.of(ivans));
    }

    /** A server that crashed after the gate admitted a standing order: the next pass finds the order and queues it. */
    @Test
    void aStandingOrderTheGateAdmittedBeforeACrashIsServedOnce() {
        CreatedItem item = client.openSale(1, 1);
        UUID kims = confirmedPurchase(item, "kim");
        UUID leos = standbyId(client.standBy(item.itemId(), "leo", 1));
        assertThat(client.cancel(kims).status()).isEqualTo(200);
        // the unit went to leo at once; as if the server had died before recording it:
        jdbc.sql("UPDATE standby SET status = 'WAITING', ended_at = NULL, order_id = NULL, queued_at = NULL"
                        + " WHERE standby_id = ?")
                .param(leos)
                .update();
        UUID leosOrder = StandbyList.orderIdOf(leos);
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(leosOrder)));

        standby.serveWaiting(Duration.ZERO);
        standby.serveWaiting(Duration.ZERO);

        Response leo = client.get("/api/v1/standby/" + leos);
        assertThat(leo.body().path("status").asString()).isEqualTo("SERVED");
        assertThat(leo.body().path("orderId").asString()).isEqualTo(leosOrder.toString());
        invariants.awaitQuietAndAssert(item.itemId(), Set.of(kims), Duration.ofSeconds(20));
        assertThat(gate.tokens(item.itemId())).contains(0L);
    }

    /**
     * A crowd buys ten units; of the winners three cancel, three never pay, four pay; the losers
     * stand by and are served as units come back, and each served buyer pays. In the end every unit
     * is PAID once, and the standby list was served in order.
     */
    @Test
    void aCrowdWithCancellationsTimeoutsAndStandbyEndsWithEveryUnitPaidOnce() {
        int stock = 10;
        CreatedItem item = client.openSale(stock, 1);
        var crowd = new Crowd().buy(client, item.itemId(), Crowd.buyers("crowd", 40), 16);
        // In check-only mode the gate may admit the whole crowd before settlement has counted the
        // units away (how many depends on how soon the first batch settles), so a 409 is not certain.
        assertThat(crowd.statuses().keySet()).contains(202).isSubsetOf(202, 409);
        Set<UUID> accepted = new HashSet<>(crowd.accepted());
        await().atMost(Duration.ofSeconds(60)).until(() -> count(item, "status = 'CONFIRMED'") == stock);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gate.tokens(item.itemId()).orElse(-1L) == 0);
        List<UUID> winners = jdbc.sql(
                        "SELECT order_id FROM orders WHERE item_id = ? AND status = 'CONFIRMED' ORDER BY order_id")
                .param(item.itemId())
                .query(UUID.class)
                .list();
        Set<String> winning =
                new HashSet<>(jdbc.sql("SELECT user_id FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                        .param(item.itemId())
                        .query(String.class)
                        .list());
        List<String> standing = new ArrayList<>(Crowd.buyers("crowd", 40).stream()
                .filter(buyer -> !winning.contains(buyer))
                .toList());
        assertThat(standing).hasSize(30);
        for (String buyer : standing) {
            assertThat(client.standBy(item.itemId(), buyer, 1).status())
                    .as("stand by %s", buyer)
                    .isEqualTo(202);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(client.cancel(winners.get(i)).status()).isEqualTo(200);
        }
        jdbc.sql("UPDATE orders SET pay_by = now() - interval '1 second' WHERE order_id = ANY(?::uuid[])")
                .param(winners.subList(3, 6).stream().map(UUID::toString).toArray(String[]::new))
                .update();
        returns.cancelOverdue();
        winners.subList(6, stock)
                .forEach(order ->
                        assertThat(client.pay(order, "psp-" + order).status()).isEqualTo(200));

        // every buyer served pays, until every unit is paid
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (UUID order : invariants.standbyOrders(item.itemId())) {
                if ("CONFIRMED".equals(client.status(order))) {
                    client.pay(order, "psp-" + order);
                }
            }
            assertThat(count(item, "status = 'PAID'")).isEqualTo(stock);
        });
        accepted.addAll(invariants.standbyOrders(item.itemId()));
        invariants.awaitQuietAndAssert(item.itemId(), accepted, Duration.ofSeconds(20));
        invariants.assertBuyersMatchHoldings(item.itemId());
        assertThat(invariants.standbyOrders(item.itemId())).hasSize(6);
        assertThat(gate.tokens(item.itemId())).contains(0L);
    }

    UUID confirmedPurchase(CreatedItem item, String buyer) {
        UUID order = client.buy(item.itemId(), buyer, 1).orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Boolean.TRUE.equals(
                        redis.opsForSet().isMember(gate.keys().confirmed(item.itemId()), order.toString())));
        return order;
    }

    int count(CreatedItem item, String condition) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ? AND " + condition)
                .param(item.itemId())
                .query(Integer.class)
                .single();
    }

    static UUID standbyId(Response response) {
        return UUID.fromString(response.body().path("standbyId").asString());
    }
}
