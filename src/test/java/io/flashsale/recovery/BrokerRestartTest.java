package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.LocalServices;
import io.flashsale.support.RecoveryTimes;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * RabbitMQ's application stops and starts while buyers keep coming: no accepted order is lost.
 * The crowd runs until 50 more orders are accepted after the broker is back, so the outage always
 * meets requests in flight.
 */
@FailureScenario
class BrokerRestartTest {

    @Autowired
    SaleFixture fixture;

    @Test
    void everyAcceptedOrderIsSettledAfterTheBrokerComesBack() throws Exception {
        var client = fixture.client();
        var item = client.openSale(100_000, 1);
        var crowd = new Crowd();
        // The crowd stops once this many orders are accepted: set when the broker is back.
        var enoughAccepted = new AtomicInteger(Integer.MAX_VALUE);
        CompletableFuture<Crowd> buying = CompletableFuture.supplyAsync(() ->
                crowd.buyUntil(client, item.itemId(), "buyer", 4, () -> crowd.count(202) >= enoughAccepted.get()));

        await().atMost(Duration.ofSeconds(20)).until(() -> crowd.count(202) > 50);
        LocalServices.stopRabbitApp();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> crowd.count(503) > 0);
        } finally {
            LocalServices.startRabbitApp();
        }
        Instant brokerBack = Instant.now();
        enoughAccepted.set(crowd.count(202) + 50);
        buying.get(60, TimeUnit.SECONDS);

        assertThat(crowd.statuses().keySet())
                .as("answers: %s", crowd.statuses())
                .containsOnly(202, 503);
        fixture.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(90));
        RecoveryTimes.report("RabbitMQ started again -> every accepted order settled (load still running)", brokerBack);
        assertThat(client.buy(item.itemId(), "after-restart", 1).status()).isEqualTo(202);
    }
}
