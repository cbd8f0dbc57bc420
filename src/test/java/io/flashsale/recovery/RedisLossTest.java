package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.LocalServices;
import io.flashsale.support.RecoveryTimes;
import io.flashsale.support.RedisLoss;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

@FailureScenario
class RedisLossTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    Reconciler reconciler;

    @Test
    void aFlushedItemAnswers503UntilRestoredThenSellsTheRestWithoutOversellOrRebuying() {
        var client = fixture.client();
        var item = client.openSale(150, 1);
        var before = new Crowd().buy(client, item.itemId(), Crowd.buyers("early", 100), 32);
        String earlyBuyer = "early-0";

        flushEverythingOfThisDeployment();
        Instant flushed = Instant.now();

        var whileLost = client.buy(item.itemId(), "late-buyer", 1);
        var earlyAgain = client.buy(item.itemId(), earlyBuyer, 1);
        assertThat(whileLost.status()).isEqualTo(503);
        assertThat(whileLost.code()).isEqualTo("UNAVAILABLE");
        assertThat(earlyAgain.status()).isEqualTo(503);

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reconciler.reconcile();
            return gate.isLoaded(item.itemId());
        });
        RecoveryTimes.report(
                "Redis flushed -> item restored from PostgreSQL (reconciler polled every 100 ms)", flushed);

        assertThat(client.buy(item.itemId(), earlyBuyer, 1).code()).isEqualTo("ALREADY_PURCHASED");
        var after = new Crowd().buy(client, item.itemId(), Crowd.buyers("late", 100), 32);
        assertThat(after.statuses().keySet()).containsOnly(202, 409);
        var accepted = new HashSet<UUID>(before.accepted());
        accepted.addAll(after.accepted());
        fixture.invariants().awaitQuietAndAssert(item.itemId(), accepted, Duration.ofSeconds(30));
        assertThat(jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void aRedisRestartUnderTheRunningAppIsSurvivedWithoutARestartOfTheApp() {
        assumeThat(LocalServices.canRestartRedis())
                .as("needs root and the local Redis")
                .isTrue();
        var client = fixture.client();
        var item = client.openSale(100, 1);
        var before = new Crowd().buy(client, item.itemId(), Crowd.buyers("before-restart", 40), 8);

        LocalServices.restartRedis();
        Instant restarted = Instant.now();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reconciler.reconcile();
            return gate.isLoaded(item.itemId());
        });
        RecoveryTimes.report("Redis restarted (connections lost, data lost) -> item restored", restarted);
        var after = new Crowd().buy(client, item.itemId(), Crowd.buyers("after-restart", 40), 8);
        assertThat(after.count(202)).isEqualTo(40);
        var accepted = new HashSet<UUID>(before.accepted());
        accepted.addAll(after.accepted());
        fixture.invariants().awaitQuietAndAssert(item.itemId(), accepted, Duration.ofSeconds(30));
    }

    private void flushEverythingOfThisDeployment() {
        RedisLoss.everything(redis, gate.keys());
    }
}
