package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flashsale.admission.gate.PendingReservation;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.SaleFixture;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An API process dies between the gate and the broker for a purchase admitted just before the sale
 * ends. The reconciler expires such an orphan once now is past deadline + grace; it must still be
 * looking at the item then, although the sale has ended (nothing stays pending past its deadline;
 * once quiet, tokens equal available).
 */
@FailureScenario
class OrphanAtSaleEndTest {

    static final Duration TTL = Duration.ofSeconds(3);
    static final Duration GRACE = Duration.ofSeconds(1); // FailureScenario's
    static final Duration INTERVAL = Duration.ofSeconds(2); // the default reconciler interval

    @DynamicPropertySource
    static void shortReservations(DynamicPropertyRegistry registry) {
        registry.add("flashsale.reservation.ttl", () -> "3s");
    }

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RedisGate gate;

    @Autowired
    Reconciler reconciler;

    @Test
    void anOrphanReservedJustBeforeTheSaleEndsIsExpiredAndGivenBack() throws Exception {
        var client = fixture.client();
        Instant end = Instant.now().plusSeconds(5);
        CreatedItem item = client.createSale(Instant.now().minusSeconds(1), end, 10, 1);
        assertThat(client.warmUp(item.saleId()).status()).isEqualTo(200);

        // What an API process leaves behind when it halts between reserve.lua and the publish, 300 ms before the end.
        sleepUntil(end.minusMillis(300));
        UUID orphan = UUID.randomUUID();
        Object decision = reserve().invoke(gate, item.itemId(), orphan, "late-buyer", 1);
        List<PendingReservation> pending = gate.pendingReservations(item.itemId());
        assumeTrue(pending.size() == 1, "admitted before the end: " + decision);
        Instant deadline = pending.get(0).deadline();

        // A reconciler ticking every INTERVAL: one tick just before deadline + grace, the next INTERVAL later.
        sleepUntil(deadline.plus(GRACE).minusMillis(300));
        reconciler.reconcile();
        boolean tickWasEarly = Instant.now().isBefore(deadline.plus(GRACE));
        for (int tick = 1; tick <= 3; tick++) {
            Thread.sleep(INTERVAL.toMillis());
            reconciler.reconcile();
        }
        assumeTrue(tickWasEarly, "the machine was too slow to place the first tick before deadline + grace");

        assertThat(jdbc.sql("SELECT status FROM orders WHERE order_id = ?::uuid")
                        .param(orphan.toString())
                        .query(String.class)
                        .list())
                .containsExactly("EXPIRED");
        int available = jdbc.sql("SELECT available FROM flash_sale_items WHERE id = ?")
                .param(item.itemId())
                .query(Integer.class)
                .single();
        assertThat(gate.pendingReservations(item.itemId()))
                .as("reservations still pending long past their deadline")
                .isEmpty();
        assertThat(gate.tokens(item.itemId()))
                .as("tokens vs available once quiet")
                .contains((long) available);
    }

    private static Method reserve() throws NoSuchMethodException {
        Method reserve = RedisGate.class.getDeclaredMethod("reserve", long.class, UUID.class, String.class, int.class);
        reserve.setAccessible(true);
        return reserve;
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
