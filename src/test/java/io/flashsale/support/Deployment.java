package io.flashsale.support;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.shared.OrderQueues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A deployment of separate application processes (the built jar) sharing one database, key prefix
 * and queue set of their own, for tests where processes must be killed or stopped. Everything it
 * started or created is removed on close.
 */
public final class Deployment implements AutoCloseable {

    public static final String ADMIN_TOKEN = "process-test-admin-token";

    private final String name;
    private final List<AppProcess> processes = new ArrayList<>();
    private final LettuceConnectionFactory redisConnections;
    private final JdbcClient jdbc;
    private final StringRedisTemplate redis;

    public Deployment() {
        this("it_p_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10), true);
    }

    /**
     * A deployment on state named {@code name} whose database exists already: the benchmark harness
     * made it (bench_state in bench/lib/common.sh) and removes it too, also when this JVM is killed.
     */
    public Deployment(String name) {
        this(name, false);
    }

    private Deployment(String name, boolean createDatabase) {
        this.name = name;
        if (createDatabase) {
            IsolatedEnvironment.createDatabase(name);
        }
        jdbc = JdbcClient.create(new DriverManagerDataSource(IsolatedEnvironment.POSTGRES + name, "postgres", ""));
        redisConnections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        redisConnections.afterPropertiesSet();
        redisConnections.start();
        redis = new StringRedisTemplate(redisConnections);
    }

    /** Starts the jar with the given roles and extra environment, and waits until it is ready. */
    public AppProcess start(String label, String roles, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "SPRING_DATASOURCE_URL", IsolatedEnvironment.POSTGRES + name,
                "FLASHSALE_GATE_KEY_PREFIX", name,
                "FLASHSALE_MESSAGING_PREFIX", name,
                "FLASHSALE_ADMIN_TOKEN", ADMIN_TOKEN,
                "FLASHSALE_ROLES", roles));
        // a crowd from one address: the edge's limits are tested elsewhere
        environment.put("FLASHSALE_RATE_LIMIT_ENABLED", "false");
        environment.put("FLASHSALE_CONCURRENCY_LIMIT_ENABLED", "false");
        environment.putAll(extraEnvironment);
        AppProcess process = AppProcess.start(AppProcess.jar(), environment, label);
        processes.add(process);
        return process.awaitReady(Duration.ofSeconds(240)); // a loaded 2-core machine took over 90 s
    }

    public FlashSaleClient client(AppProcess api) {
        return new FlashSaleClient(api.port(), ADMIN_TOKEN);
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    public SaleInvariants invariants() {
        return new SaleInvariants(jdbc, redis, new GateKeys(name));
    }

    @Override
    public void close() {
        processes.forEach(AppProcess::close);
        redisConnections.destroy();
        IsolatedEnvironment.removeEverythingOf(
                name,
                new OrderQueues(name, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25))));
    }
}
