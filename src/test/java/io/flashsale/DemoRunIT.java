package io.flashsale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.AppProcess;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.IsolatedEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, started as a new user would, prints the buyer's page, serves it, and
 * sells the demo item once its sale opens (a few seconds after start-up here; 30 s by default).
 */
class DemoRunIT {

    @Test
    void theRunCommandServesAPurchaseThatGetsConfirmed() throws Exception {
        String name = "it_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        IsolatedEnvironment.createDatabase(name);
        try (var app = AppProcess.start(
                List.of("bin/demo"),
                Map.of(
                        "SPRING_DATASOURCE_URL",
                        IsolatedEnvironment.POSTGRES + name,
                        "FLASHSALE_GATE_KEY_PREFIX",
                        name,
                        "FLASHSALE_MESSAGING_PREFIX",
                        name,
                        "FLASHSALE_DEMO_STARTS_IN",
                        "5s"),
                "demo")) {
            app.awaitReady(Duration.ofSeconds(240));
            await().atMost(Duration.ofSeconds(30)).until(() -> app.output().contains("Demo sale"));
            assertThat(app.output())
                    .contains(
                            "Admin token:",
                            "curl -s -X POST",
                            "opens at",
                            "Buyer's page: http://localhost:" + app.port() + "/sales/1");

            var client = new FlashSaleClient(app.port(), "unused");
            var page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/sales/1"))
                                    .GET()
                                    .build(),
                            BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/assets/sale.js");
            long itemId = client.get("/api/v1/sales/1")
                    .body()
                    .path("items")
                    .get(0)
                    .path("id")
                    .asLong();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.buy(itemId, "early-bird", 1).code() == null);
            Response accepted = client.buy(itemId, "alice", 1);

            assertThat(accepted.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(client.get("/api/v1/orders/" + accepted.orderId())
                                    .body()
                                    .path("status")
                                    .asString())
                            .isEqualTo("CONFIRMED"));
            app.terminate();
        } finally {
            IsolatedEnvironment.removeEverythingOf(
                    name,
                    new OrderQueues(
                            name, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25))));
        }
    }
}
