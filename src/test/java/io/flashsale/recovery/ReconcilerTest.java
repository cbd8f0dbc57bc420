package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.SaleFixture;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

@FailureScenario
class ReconcilerTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    Reconciler reconciler;

    @Autowired
    ReconcilerLeadership contextLeadership;

    @Autowired
    RedisGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry meters;

    @Test
    void syncsAReservationWhoseOrderWasSettledButNeverSyncedToRedis() {
        var client = fixture.client();
        var item = client.openSale(5, 1);
        UUID order = client.buy(item.itemId(), "alice", 1).orderId();
        var invariants = fixture.invariants();
        invariants.awaitQuietAndAssert(item.itemId(), Set.of(order), Duration.ofSeconds(20));
        // as if the worker had died between acknowledging the batch and syncing Redis
        redis.opsForHash()
                .put(
                        gate.keys().pending(item.itemId()),
                        order.toString(),
                        "alice|1|" + Instant.now().plus(Duration.ofMinutes(5)).toEpochMilli());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            reconciler.reconcile();
            invariants.assertAll(item.itemId(), Set.of(order));
        });
        assertThat(gate.tokens(item.itemId())).contains(4L);
    }

    @Test
    void expiresAnOrphanedReservationAndGivesItsUnitBack() {
        var client = fixture.client();
        var item = client.openSale(5, 1);
        UUID orphan = UUID.randomUUID();
        // as if an API had reserved and died before publishing
        redis.opsForValue().decrement(gate.keys().tokens(item.itemId()));
        redis.opsForHash().increment(gate.keys().buyers(item.itemId()), "ghost", 1);
        redis.opsForHash()
                .put(
                        gate.keys().pending(item.itemId()),
                        orphan.toString(),
                        "ghost|1|" + Instant.now().minusSeconds(2).toEpochMilli());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            reconciler.reconcile();
            fixture.invariants().assertAll(item.itemId(), Set.of(orphan));
        });
        assertThat(jdbc.sql("SELECT status || ':' || reason FROM orders WHERE order_id = ?")
                        .param(orphan)
                        .query(String.class)
                        .single())
                .isEqualTo("EXPIRED:RESERVATION_EXPIRED");
        assertThat(client.buy(item.itemId(), "ghost", 1).status()).isEqualTo(202);
    }

    @Test
    void theDriftGaugeOfAnItemGoesAwayOnceItsSaleHasEnded() {
        var client = fixture.client();
        var item = client.openSale(5, 1);
        var gauge = meters.find(Reconciler.DRIFT).tag("item", Long.toString(item.itemId()));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            reconciler.reconcile();
            assertThat(gauge.gauge()).isNotNull();
        });
        // ended a day ago: long past the last moment a reservation of it could still be pending
        jdbc.sql(
                        "UPDATE flash_sales SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = ?")
                .param(item.saleId())
                .update();
        reconciler.reconcile();

        assertThat(gauge.gauge()).isNull();
    }

    @Test
    void onlyOneProcessLeadsAndAStandbyTakesOverWhenTheLeaderGoes() {
        try (var first = new ReconcilerLeadership(dataSource);
                var second = new ReconcilerLeadership(dataSource)) {
            // this context's own reconciler may hold the lock already: free it for the test
            contextLeadership.close();

            assertThat(first.isLeader()).isTrue();
            assertThat(second.isLeader()).isFalse();
            first.close();
            assertThat(second.isLeader()).isTrue();
            assertThat(first.isLeader()).isFalse();
        }
    }

    /**
     * The leader gauge is read by every Prometheus scrape; a try for the leadership holds the
     * object's lock while it waits for PostgreSQL (seconds when it is down), and the scrape must not
     * wait with it.
     */
    @Test
    void theLeaderGaugeAnswersWhileATryForTheLeadershipWaits() throws InterruptedException {
        try (var leadership = new ReconcilerLeadership(dataSource)) {
            contextLeadership.close();
            assertThat(leadership.isLeader()).isTrue();
            CountDownLatch tryWaits = new CountDownLatch(1);
            CountDownLatch databaseAnswers = new CountDownLatch(1);
            // the lock isLeader() holds while it waits for a connection
            Thread waitingTry = Thread.ofPlatform().daemon().start(() -> {
                synchronized (leadership) {
                    tryWaits.countDown();
                    try {
                        databaseAnswers.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            try {
                tryWaits.await();
                assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), leadership::holdsLeadership))
                        .isTrue();
            } finally {
                databaseAnswers.countDown();
                waitingTry.join();
            }
        }
    }
}
