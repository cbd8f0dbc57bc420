package io.flashsale.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a random port, against the real services, isolated per context.
 * Tests send many requests as the same few buyers from one address, so the rate limits and the
 * load shedding are off here; the edge tests switch them on in contexts of their own. Each context
 * has a {@link SaleFixture}: the client and the invariant checker.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "flashsale.admin.token=" + FlashSaleIntegrationTest.ADMIN_TOKEN,
            "flashsale.rate-limit.enabled=false",
            "flashsale.concurrency-limit.enabled=false",
            // Spring keeps every test context open for reuse; at Hikari's default (as many idle
            // connections as the pool's maximum) twenty of them would hold 200 connections, twice
            // PostgreSQL's default max_connections. An idle context shrinks to one.
            "spring.datasource.hikari.minimum-idle=1",
            "spring.datasource.hikari.idle-timeout=10000"
        })
@ContextConfiguration(initializers = IsolatedEnvironment.class)
@Import(SaleFixture.class)
public @interface FlashSaleIntegrationTest {

    String ADMIN_TOKEN = "test-admin-token";
}
