package io.flashsale.config;

import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.shared.AdminToken;
import io.flashsale.sale.CreateSale;
import io.flashsale.sale.Sale;
import io.flashsale.sale.SaleCatalog;
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

/** {@code FLASHSALE_DEMO=true}: on an empty database, a sale open now with 100 units, warmed up. */
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
        if (!catalog.isEmpty()) {
            log.info("Demo: the database already has sales; not creating another");
            return;
        }
        Instant now = clock.instant();
        Sale sale = catalog.create(new CreateSale("Demo flash sale", now.minusSeconds(1), now.plus(Duration.ofDays(1)),
                List.of(new CreateSale.Item("DEMO-1", "Demo item", new BigDecimal("9.99"), 100, 1))));
        warmup.warmUp(sale.id());
        long itemId = sale.items().getFirst().id();
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        log.info("""
                Demo sale {} is open with 100 units of item {}. Admin token: {}
                  Buy:    curl -s -X POST {}/api/v1/orders -H 'Content-Type: application/json' -d '{"itemId":{},"userId":"alice"}'
                  Status: curl -s {}/api/v1/orders/<orderId>
                  Stock:  curl -s {}/api/v1/sales/{}""",
                sale.id(), itemId, adminToken.forLog(), base, itemId, base, base, sale.id());
    }
}
