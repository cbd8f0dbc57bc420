package io.flashsale.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.RecoveryTimes;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@FailureScenario
class PermanentSettlementFailureTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RedisGate gate;

    @Test
    void anOrderThatCannotBeSettledIsRetriedThenFailsAndItsUnitIsSoldToSomeoneElse() {
        var client = fixture.client();
        var item = client.openSale(1, 1);

        Instant bought = Instant.now();
        UUID doomed = client.buy(item.itemId(), FailureScenario.DOOMED_BUYER, 1).orderId();
        assertThat(client.buy(item.itemId(), "alice", 1).code()).isEqualTo("SOLD_OUT");

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            Map<String, Object> row = jdbc.sql("SELECT status, reason, compensated_at FROM orders WHERE order_id = ?")
                    .param(doomed)
                    .query()
                    .singleRow();
            assertThat(row.get("status")).isEqualTo("FAILED");
            assertThat(row.get("reason")).isEqualTo("SETTLEMENT_FAILED");
            assertThat(row.get("compensated_at")).isNotNull();
        });
        assertThat(gate.tokens(item.itemId())).contains(1L);
        RecoveryTimes.report("failing order accepted -> retried 3 times, FAILED, unit back on sale", bought);

        var second = client.buy(item.itemId(), "alice", 1);
        assertThat(second.status()).isEqualTo(202);
        fixture.invariants()
                .awaitQuietAndAssert(item.itemId(), Set.of(doomed, second.orderId()), Duration.ofSeconds(30));
        assertThat(client.get("/api/v1/orders/" + second.orderId())
                        .body()
                        .path("status")
                        .asString())
                .isEqualTo("CONFIRMED");
        assertThat(client.get("/api/v1/orders/" + doomed).body().path("status").asString())
                .isEqualTo("FAILED");
    }
}
