package io.flashsale.config;

import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.sale.CreateSale;
import io.flashsale.sale.Sale;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.shared.AdminToken;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code FLASHSALE_DEMO=true}: unless a sale is open or to come, a sale of 100 units that opens
 * {@code FLASHSALE_DEMO_STARTS_IN} (30 s) after start-up, so that a person who opens the printed
 * page sees the countdown run out; warmed up at once.
 */
@Component
@ConditionalOnBooleanProperty("flashsale.demo")
@ConditionalOnRole(Role.API)
class DemoSale implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSale.class);

    private final SaleCatalog catalog;
    private final GateWarmup warmup;
    private final AdminToken adminToken;
    private final Clock clock;
    private final Environment environment;

    DemoSale(SaleCatalog catalog, GateWarmup warmup, AdminToken adminToken, Clock clock, Environment environment) {
        this.catalog = catalog;
        this.warmup = warmup;
        this.adminToken = adminToken;
        this.clock = clock;
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        List<Sale> live = catalog.openAndUpcoming();
        if (!live.isEmpty()) {
            log.info(
                    "Demo: sale {} is open or to come already; not creating another. Buyer's page: {}/sales/{}",
                    live.getFirst().id(),
                    base,
                    live.getFirst().id());
            return;
        }
        // Read from the environment, not a properties record: "flashsale.demo" is the switch itself,
        // and a record bound under that name fails on its scalar value.
        Duration startsIn = environment.getProperty("flashsale.demo.starts-in", Duration.class, Duration.ofSeconds(30));
        Instant now = clock.instant();
        Instant startsAt = now.plus(startsIn);
        Sale sale = catalog.create(new CreateSale(
                "Demo flash sale",
                startsAt,
                startsAt.plus(Duration.ofDays(1)),
                List.of(new CreateSale.Item("DEMO-1", "Demo item", new BigDecimal("9.99"), 100, 1))));
        warmup.warmUp(sale.id());
        long itemId = sale.items().getFirst().id();
        log.info(
                """
                Demo sale {} opens at {} (in {} s) with 100 units of item {}. Admin token: {}
                  Buyer's page: {}/sales/{}   (all sales: {}/)
                  Buy:    curl -s -X POST {}/api/v1/orders -H 'Content-Type: application/json' -d '{"itemId":{},"userId":"alice"}'
                  Status: curl -s {}/api/v1/orders/<orderId>
                  Stock:  curl -s {}/api/v1/sales/{}""",
                sale.id(),
                sale.startsAt(),
                startsIn.toSeconds(),
                itemId,
                adminToken.forLog(),
                base,
                sale.id(),
                base,
                base,
                itemId,
                base,
                base,
                sale.id());
    }
}
