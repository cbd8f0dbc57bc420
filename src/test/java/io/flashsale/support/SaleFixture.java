package io.flashsale.support;

import io.flashsale.admission.gate.RedisGate;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What most integration tests set up the same way: a client of this test's application (with the
 * admin token of {@link FlashSaleIntegrationTest}) and the invariant checker of its gate. A bean of
 * every {@link FlashSaleIntegrationTest} context: {@code @Autowired SaleFixture fixture}.
 */
public class SaleFixture {

    private final Environment environment;
    private final JdbcClient jdbc;
    private final StringRedisTemplate redis;
    private final RedisGate gate;

    SaleFixture(Environment environment, JdbcClient jdbc, StringRedisTemplate redis, RedisGate gate) {
        this.environment = environment;
        this.jdbc = jdbc;
        this.redis = redis;
        this.gate = gate;
    }

    /** A new client: the server's port is known once it started, after the beans were made. */
    public FlashSaleClient client() {
        return new FlashSaleClient(
                environment.getRequiredProperty("local.server.port", Integer.class),
                FlashSaleIntegrationTest.ADMIN_TOKEN);
    }

    public SaleInvariants invariants() {
        return new SaleInvariants(jdbc, redis, gate.keys());
    }
}
