package io.flashsale.support;

import com.rabbitmq.client.ConnectionFactory;
import io.flashsale.shared.OrderQueues;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each test application context its own PostgreSQL database, Redis key prefix and RabbitMQ
 * queue names on the real local services, and removes them when the context closes, so that test
 * runs never see each other's data and can run twice.
 */
public class IsolatedEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String POSTGRES =
            System.getenv().getOrDefault("FLASHSALE_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/");

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        createDatabase(name);
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "isolated-environment",
                        Map.of(
                                "spring.datasource.url", POSTGRES + name,
                                "flashsale.gate.key-prefix", name,
                                "flashsale.messaging.prefix", name)));
        context.addApplicationListener((ContextClosedEvent event) -> {
            if (event.getApplicationContext() == context) {
                cleanUp(context, name);
            }
        });
    }

    public static void createDatabase(String name) {
        execute("CREATE DATABASE " + name);
    }

    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void cleanUp(ConfigurableApplicationContext context, String name) {
        // Only once the beans are gone: a worker still running would otherwise write keys or
        // redeclare queues after they were removed.
        OrderQueues queues = context.getBean(OrderQueues.class);
        context.getBeanFactory().destroySingletons();
        removeEverythingOf(name, queues);
    }

    /** Deletes the Redis keys, RabbitMQ queues and exchanges, and PostgreSQL database named by {@code name}. */
    public static void removeEverythingOf(String name, OrderQueues queues) {
        try (var client = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
                var connection = client.connect()) {
            var commands = connection.sync();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = commands.scan(
                        cursor, ScanArgs.Builder.matches(name + ":*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    commands.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
        var rabbit = new ConnectionFactory();
        rabbit.setHost("127.0.0.1");
        try (var connection = rabbit.newConnection();
                var channel = connection.createChannel()) {
            for (String queue : queues.allQueues()) {
                channel.queueDelete(queue);
            }
            channel.exchangeDelete(queues.exchange());
            channel.exchangeDelete(queues.deadLetterExchange());
        } catch (IOException | TimeoutException e) {
            System.err.println("Could not delete the queues and exchanges of " + name + ": " + e);
        }
        dropDatabase(name);
    }

    private static void execute(String sql) {
        try (var connection = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "");
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + sql, e);
        }
    }
}
