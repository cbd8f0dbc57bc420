package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.Crowd;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A small crowd over real HTTP: 3,000 purchase requests from 1,000 buyers (half of them sending
 * five at once) for 200 units, limit one each. Run in both gate modes by the subclasses.
 */
@FlashSaleIntegrationTest
abstract class PurchaseUnderLoadScenario {

    private static final int STOCK = 200;
    private static final int IN_FLIGHT = 64;

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    @Test
    void sellsExactlyTheStockOnceEachAndLosesNoAcceptedOrder() {
        var client = fixture.client();
        CreatedItem item = client.openSale(STOCK, 1);

        var crowd = new Crowd().buy(client, item.itemId(), crowd(), IN_FLIGHT);

        assertThat(crowd.statuses().keySet())
                .as("answers by status: %s", crowd.statuses())
                .containsOnly(202, 409);
        fixture.invariants().awaitQuietAndAssert(item.itemId(), crowd.accepted(), Duration.ofSeconds(60));
        int confirmed = jdbc.sql(
                        "SELECT coalesce(sum(quantity), 0) FROM orders WHERE item_id = ? AND status = 'CONFIRMED'")
                .param(item.itemId())
                .query(Integer.class)
                .single();
        assertThat(confirmed).isEqualTo(STOCK);
    }

    private static List<String> crowd() {
        List<String> requests = new ArrayList<>(3_000);
        for (int user = 0; user < 1_000; user++) {
            int copies = user < 500 ? 1 : 5;
            for (int copy = 0; copy < copies; copy++) {
                requests.add("buyer-" + user);
            }
        }
        Collections.shuffle(requests, new Random(42));
        return requests;
    }
}
