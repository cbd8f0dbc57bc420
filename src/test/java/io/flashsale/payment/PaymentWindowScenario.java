package io.flashsale.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.OrdersSettled;
import io.flashsale.orders.SettledOrder;
import io.flashsale.shared.OrderStatus;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.KilledConnections;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.SaleInvariants;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Payment, cancellation and the timeout of CONFIRMED holds, run in both gate modes by the
 * subclasses. The window is long and the reconciler's schedule is off, so that a test closes a
 * window itself (pay_by moved in PostgreSQL) and runs the sweeps when it wants them.
 */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"flashsale.payment.window=1h", "flashsale.reconciler.interval=1h"})
abstract class PaymentWindowScenario {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    RedisGate gate;

    @Autowired
    UnitReturns returns;

    @Autowired
    PaymentLedger ledger;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    DataSource dataSource;

    FlashSaleClient client;
    SaleInvariants invariants;

    @BeforeEach
    void connect() {
        client = fixture.client();
        invariants = fixture.invariants();
    }

    @Test
    void paysAHoldWithinItsWindowOnceWhateverTheRetries() {
        CreatedItem item = client.openSale(3, 1);
        UUID order = confirmedPurchase(item, "alice", 1);
        Response confirmed = client.get("/api/v1/orders/" + order);
        assertThat(Instant.parse(confirmed.body().path("payBy").asString()))
                .isBetween(
                        Instant.now().plus(Duration.ofMinutes(55)),
                        Instant.now().plus(Duration.ofMinutes(61)));

        Response paid = client.pay(order, "psp-1");
        Response again = client.pay(order, "psp-1");
        Response other = client.pay(order, "psp-2");
        Response cancel = client.cancel(order);

        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asString()).isEqualTo("PAID");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("status").asString()).isEqualTo("PAID");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.code()).isEqualTo("ALREADY_PAID");
        assertThat(cancel.code()).isEqualTo("NOT_CANCELLABLE");
        assertThat(client.status(order)).isEqualTo("PAID");
        assertThat(client.get("/flashsale/result/" + order)
                        .body()
                        .path("Status")
                        .asString())
                .isEqualTo("success");
        assertThat(refusals(order)).containsExactly("psp-2:ALREADY_PAID");
        assertThat(returns.cancelOverdue()).isZero();
        invariants.awaitQuietAndAssert(item.itemId(), Set.of(order), Duration.ofSeconds(20));
        assertThat(gate.tokens(item.itemId())).contains(2L);
    }

    @Test
    void aTimedOutHoldGoesBackOnSaleOnceAndALatePaymentIsRefusedForARefund() {
        CreatedItem item = client.openSale(1, 1);
        UUID alices = confirmedPurchase(item, "alice", 1);
        assertThat(client.buy(item.itemId(), "bob", 1).code()).isEqualTo("SOLD_OUT");
        closeWindow(alices);

        Response lateBeforeSweep = client.pay(alices, "psp-late-1");
        int cancelled = returns.cancelOverdue();
        int cancelledAgain = returns.cancelOverdue();
        Response lateAfterSweep = client.pay(alices, "psp-late-2");

        assertThat(lateBeforeSweep.code()).isEqualTo("PAYMENT_WINDOW_CLOSED");
        assertThat(cancelled).isEqualTo(1);
        assertThat(cancelledAgain).isZero();
        assertThat(lateAfterSweep.code()).isEqualTo("PAYMENT_WINDOW_CLOSED");
        Response timedOut = client.get("/api/v1/orders/" + alices);
        assertThat(timedOut.body().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(timedOut.body().path("reason").asString()).isEqualTo("PAYMENT_TIMEOUT");
        assertThat(timedOut.body().has("payBy")).isFalse();
        assertThat(refusals(alices))
                .containsExactlyInAnyOrder("psp-late-1:PAYMENT_WINDOW_CLOSED", "psp-late-2:PAYMENT_WINDOW_CLOSED");
        invariants.assertAll(item.itemId(), Set.of(alices));
        assertThat(gate.tokens(item.itemId())).contains(1L);

        // the sold-out flag bob set is gone, and alice's count went down with her unit
        UUID bobs = confirmedPurchase(item, "bob", 1);
        assertThat(client.buy(item.itemId(), "alice", 1).code()).isEqualTo("SOLD_OUT");
        invariants.awaitQuietAndAssert(item.itemId(), Set.of(alices, bobs), Duration.ofSeconds(20));
        assertThat(client.get("/flashsale/result/" + alices)
                        .body()
                        .path("Status")
                        .asString())
                .isEqualTo("failed");
    }

    @Test
    void aBuyerCancelsAnUnpaidHoldAndItsUnitsGoBackOnce() {
        CreatedItem item = client.openSale(5, 2);
        UUID order = confirmedPurchase(item, "carol", 2);

        Response cancelled = client.cancel(order);
        Response again = client.cancel(order);
        Response payment = client.pay(order, "psp-after-cancel");

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.body().path("reason").asString()).isEqualTo("BUYER_CANCELLED");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("reason").asString()).isEqualTo("BUYER_CANCELLED");
        assertThat(payment.code()).isEqualTo("NOT_PAYABLE");
        assertThat(returns.finishUnfinished(Duration.ZERO, Duration.ofDays(1))).isZero();
        invariants.assertAll(item.itemId(), Set.of(order));
        invariants.assertBuyersMatchHoldings(item.itemId());
        assertThat(gate.tokens(item.itemId())).contains(5L);
        assertThat(jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(5);
        UUID rebought = confirmedPurchase(item, "carol", 2);
        invariants.awaitQuietAndAssert(item.itemId(), Set.of(order, rebought), Duration.ofSeconds(20));
    }

    /**
     * Chaos seed 703: PostgreSQL terminated the connection of a cancel while it waited for the item's
     * row lock, the rollback failed on the dead connection, and the buyer got a 500. Here the lock is
     * held by the test, so the cancel (and then a payment) is certainly inside its statement when its
     * connection is terminated.
     */
    @Test
    void aCancelOrPaymentWhoseConnectionIsKilledMidTransactionIsAnswered503AndChangesNothing() throws Exception {
        CreatedItem item = client.openSale(4, 2);
        UUID order = confirmedPurchase(item, "dave", 2);

        Response cancel = answerWithConnectionKilled(
                "SELECT 1 FROM flash_sale_items WHERE id = ? FOR UPDATE", item.itemId(), () -> client.cancel(order));
        Response payment = answerWithConnectionKilled(
                "SELECT 1 FROM orders WHERE order_id = ? FOR UPDATE", order, () -> client.pay(order, "psp-killed"));

        for (Response answer : List.of(cancel, payment)) {
            assertThat(answer.status()).as("%s", answer.body()).isEqualTo(503);
            assertThat(answer.code()).isEqualTo("UNAVAILABLE");
            assertThat(answer.headers().firstValue("Retry-After")).contains("1");
        }
        assertThat(row(order).status()).isEqualTo(OrderStatus.CONFIRMED);
        assertThat(jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isEqualTo(2);
        Response retried = client.cancel(order);
        assertThat(retried.status()).as("%s", retried.body()).isEqualTo(200);
        assertThat(retried.body().path("status").asString()).isEqualTo("CANCELLED");
        invariants.assertAll(item.itemId(), Set.of(order));
        invariants.assertBuyersMatchHoldings(item.itemId());
    }

    /** The answer to {@code request} whose connection PostgreSQL terminates while it waits for the lock {@code lockSql} takes. */
    private Response answerWithConnectionKilled(String lockSql, Object key, Callable<Response> request)
            throws Exception {
        return KilledConnections.answerWithConnectionKilled(dataSource, jdbc, lockSql, List.of(key), request);
    }

    @Test
    void refusesUnknownOrdersAndMalformedPayments() {
        CreatedItem item = client.openSale(5, 1);
        UUID unknown = UUID.randomUUID();

        assertThat(client.pay(unknown, "psp-x").status()).isEqualTo(404);
        assertThat(client.cancel(unknown).status()).isEqualTo(404);
        assertThat(client.pay(UUID.randomUUID(), "").code()).isEqualTo("VALIDATION_FAILED");
        UUID order = confirmedPurchase(item, "dave", 1);
        assertThat(client.post("/api/v1/orders/" + order + "/payment", "{}").code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(client.post("/api/v1/orders/" + order + "/payment", "{\"paymentReference\":\"has space\"}")
                        .code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(client.status(order)).isEqualTo("CONFIRMED");
    }

    /**
     * The gate's half of a return after a crash between the commit and Redis: the finishing pass
     * gives the units back once, a repeat gives nothing, and a confirm of the order arriving late
     * (a sync delayed past the cancellation) counts nothing.
     */
    @Test
    void theGateHalfOfAReturnIsFinishedAfterACrashAndCountsNothingTwice() {
        CreatedItem item = client.openSale(4, 1);
        UUID order = confirmedPurchase(item, "erin", 1);
        SettledOrder confirmedRow = row(order);
        closeWindow(order);

        // as if the sweeper died right after its commit
        assertThat(ledger.cancel(item.itemId(), List.of(order), io.flashsale.orders.FailureReason.PAYMENT_TIMEOUT))
                .hasSize(1);
        assertThat(gate.tokens(item.itemId())).contains(3L);

        assertThat(returns.finishUnfinished(Duration.ZERO, Duration.ofDays(1))).isEqualTo(1);
        assertThat(returns.finishUnfinished(Duration.ZERO, Duration.ofDays(1))).isZero();
        events.publishEvent(new OrdersSettled(List.of(confirmedRow)));

        assertThat(gate.tokens(item.itemId())).contains(4L);
        invariants.assertAll(item.itemId(), Set.of(order));
        invariants.assertBuyersMatchHoldings(item.itemId());
    }

    /**
     * Many payments race the timeout of the same orders, and two sweepers race each other: every
     * order ends PAID or CANCELLED, exactly as its payment was answered (200 or 409
     * PAYMENT_WINDOW_CLOSED, the latter recorded for a refund), and no unit is sold twice.
     */
    @Test
    void paymentsRacingTheTimeoutOfTheSameOrdersEachHaveExactlyOneWinner() throws Exception {
        int buyers = 40;
        CreatedItem item = client.openSale(buyers, 1);
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < buyers; i++) {
            orders.add(client.buy(item.itemId(), "racer-" + i, 1).orderId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmedCount(item) == buyers);
        Instant closes = Instant.now().plusMillis(1500);
        jdbc.sql("UPDATE orders SET pay_by = ? WHERE item_id = ?")
                .params(java.sql.Timestamp.from(closes), item.itemId())
                .update();

        Map<UUID, Response> answers = new ConcurrentHashMap<>();
        AtomicBoolean paying = new AtomicBoolean(true);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int sweeper = 0; sweeper < 2; sweeper++) {
                executor.submit(() -> {
                    while (paying.get() || confirmedCount(item) > 0) {
                        returns.cancelOverdue();
                        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                    }
                    return null;
                });
            }
            List<java.util.concurrent.Future<?>> payments = new ArrayList<>();
            for (UUID order : orders) {
                long at = Duration.between(Instant.now(), closes).toMillis()
                        + ThreadLocalRandom.current().nextLong(-300, 300);
                payments.add(executor.submit(() -> {
                    LockSupport.parkNanos(Duration.ofMillis(Math.max(0, at)).toNanos());
                    answers.put(order, client.pay(order, "psp-" + order));
                }));
            }
            for (var payment : payments) {
                payment.get();
            }
            paying.set(false);
        }

        Set<UUID> paid = new HashSet<>();
        Set<UUID> refused = new HashSet<>();
        for (UUID order : orders) {
            Response answer = answers.get(order);
            SettledOrder settled = row(order);
            if (answer.status() == 200) {
                paid.add(order);
                assertThat(settled.status()).as("order %s answered 200", order).hasToString("PAID");
            } else {
                refused.add(order);
                assertThat(answer.code()).as("order %s", order).isEqualTo("PAYMENT_WINDOW_CLOSED");
                assertThat(settled.status()).as("order %s answered 409", order).hasToString("CANCELLED");
                assertThat(refusals(order)).containsExactly("psp-" + order + ":PAYMENT_WINDOW_CLOSED");
            }
        }
        System.out.printf("[payment-race] %d paid, %d refused as late%n", paid.size(), refused.size());
        invariants.awaitQuietAndAssert(item.itemId(), orders, Duration.ofSeconds(20));
        invariants.assertBuyersMatchHoldings(item.itemId());
        assertThat(gate.tokens(item.itemId())).contains((long) refused.size());
        assertThat(jdbc.sql("SELECT count(*) FROM refused_payments WHERE order_id = ANY(?::uuid[])")
                        .param(orders.stream().map(UUID::toString).toArray(String[]::new))
                        .query(Integer.class)
                        .single())
                .isEqualTo(refused.size());
    }

    UUID confirmedPurchase(CreatedItem item, String buyer, int quantity) {
        Response accepted = client.buy(item.itemId(), buyer, quantity);
        assertThat(accepted.status())
                .as("purchase of %s: %s", buyer, accepted.body())
                .isEqualTo(202);
        UUID order = accepted.orderId();
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED".equals(client.status(order)));
        // the gate counts it as sold (the worker's sync ran)
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Boolean.TRUE.equals(
                        redis.opsForSet().isMember(gate.keys().confirmed(item.itemId()), order.toString())));
        return order;
    }

    void closeWindow(UUID order) {
        jdbc.sql("UPDATE orders SET pay_by = now() - interval '1 second' WHERE order_id = ?")
                .param(order)
                .update();
    }

    int confirmedCount(CreatedItem item) {
        return jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                .param(item.itemId())
                .query(Integer.class)
                .single();
    }

    SettledOrder row(UUID order) {
        return jdbc.sql("SELECT order_id, item_id, user_id, quantity, status, reason, created_at, pay_by FROM orders"
                        + " WHERE order_id = ?")
                .param(order)
                .query(io.flashsale.orders.OrderBook::settledOrder)
                .single();
    }

    List<String> refusals(UUID order) {
        return jdbc.sql("SELECT payment_reference || ':' || reason FROM refused_payments WHERE order_id = ?")
                .param(order)
                .query(String.class)
                .list();
    }
}
