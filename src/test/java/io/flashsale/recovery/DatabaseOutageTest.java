package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.Crowd;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.LocalServices;
import io.flashsale.support.RecoveryTimes;
import io.flashsale.support.SaleFixture;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * PostgreSQL's connections are killed, then PostgreSQL stops for as long as it takes the worker to
 * pause, probe and pause again: nothing may reach the DLQ, and everything settles afterwards.
 */
@FailureScenario
class DatabaseOutageTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OrderQueues queues;

    @Autowired
    ConnectionFactory connectionFactory;

    @Autowired
    CircuitBreaker breaker;

    @Test
    void ordersAcceptedDuringADatabaseOutageAllSettleAfterwardsAndNoneIsDeadLettered() throws Exception {
        assumeThat(LocalServices.canControlPostgres())
                .as("needs root and a local PostgreSQL cluster")
                .isTrue();
        var client = fixture.client();
        var item = client.openSale(300, 1);
        var crowd = new Crowd();
        CompletableFuture<Crowd> first =
                CompletableFuture.supplyAsync(() -> crowd.buy(client, item.itemId(), Crowd.buyers("before", 100), 8));

        await().atMost(Duration.ofSeconds(10)).until(() -> settledOrders(item.itemId()) > 0);
        jdbc.sql(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                .query()
                .listOfRows();
        first.get();
        var breakerOpenings = new AtomicInteger();
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                breakerOpenings.incrementAndGet();
            }
        });
        LocalServices.stopPostgres();
        try {
            crowd.buy(client, item.itemId(), Crowd.buyers("during", 100), 8);
            assertThat(crowd.count(202))
                    .as("orders accepted while PostgreSQL is down")
                    .isGreaterThan(100);
            await().atMost(Duration.ofSeconds(90)).untilAtomic(breakerOpenings, greaterThanOrEqualTo(2));
        } finally {
            LocalServices.startPostgres();
        }
        Instant databaseBack = Instant.now();

        fixture.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(90));
        RecoveryTimes.report("PostgreSQL started again -> every accepted order settled", databaseBack);
        assertThat(crowd.statuses().keySet()).containsOnly(202);
        assertThat(new RabbitAdmin(connectionFactory)
                        .getQueueInfo(queues.deadLetterQueue())
                        .getMessageCount())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ? AND status <> 'CONFIRMED'")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    private int settledOrders(long itemId) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                .param(itemId)
                .query(Integer.class)
                .single();
    }
}
