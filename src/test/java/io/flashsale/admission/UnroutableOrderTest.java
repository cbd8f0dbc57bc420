package io.flashsale.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.shared.OrderQueues;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import io.flashsale.support.ShardedOrderQueues;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The broker takes the message but cannot route it (the orders queue lost its binding): the
 * publisher must see the return, so the buyer gets 503 and the unit is back on sale at once.
 */
@FlashSaleIntegrationTest
class UnroutableOrderTest {

    @Autowired
    SaleFixture fixture;

    @Autowired
    RedisGate gate;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OrderQueues queues;

    @Autowired
    ConnectionFactory connectionFactory;

    @Test
    void anOrderTheBrokerCannotRouteIsRefusedAndHoldsNoStock() {
        var client = fixture.client();
        CreatedItem item = client.openSale(5, 1);
        var admin = new RabbitAdmin(connectionFactory);
        List<Binding> ordersBindings = ShardedOrderQueues.bindings(queues);

        ordersBindings.forEach(admin::removeBinding);
        Response refused;
        try {
            refused = client.buy(item.itemId(), "alice", 1);
        } finally {
            ordersBindings.forEach(admin::declareBinding);
        }

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("UNAVAILABLE");
        assertThat(gate.tokens(item.itemId())).contains(5L);
        assertThat(jdbc.sql("SELECT status || ':' || reason FROM orders WHERE item_id = ?")
                        .param(item.itemId())
                        .query(String.class)
                        .list())
                .as("the withdrawn order is decided FAILED, so no late delivery can confirm it")
                .containsExactly("FAILED:PUBLISH_UNCONFIRMED");
        assertThat(client.buy(item.itemId(), "alice", 1).status())
                .as("the refused buyer may buy again")
                .isEqualTo(202);
    }
}
