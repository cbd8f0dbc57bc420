package io.flashsale.support;

import io.flashsale.FlashSaleApplication;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application started in this JVM by the test itself, for tests that need what a cached test
 * context cannot give: several processes' roles side by side on one isolated environment, a
 * broken connection setting, or a shutdown to watch.
 */
public final class InProcessApp implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private InProcessApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts on a free port with the isolated environment {@code name} and the given settings. */
    public static InProcessApp start(
            String name, Map<String, Object> properties, Consumer<ConfigurableApplicationContext> beforeRefresh) {
        Map<String, Object> all = new HashMap<>(Map.of(
                "server.port",
                "0",
                "spring.datasource.url",
                IsolatedEnvironment.POSTGRES + name,
                "flashsale.gate.key-prefix",
                name,
                "flashsale.messaging.prefix",
                name,
                "flashsale.admin.token",
                FlashSaleIntegrationTest.ADMIN_TOKEN,
                // as in FlashSaleIntegrationTest: the edge's limits are tested in their own tests
                "flashsale.rate-limit.enabled",
                "false",
                "flashsale.concurrency-limit.enabled",
                "false"));
        all.putAll(properties);
        // As command-line arguments: they override application.yaml (builder properties would not).
        String[] arguments = all.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
        var context = new SpringApplicationBuilder(FlashSaleApplication.class)
                .initializers(beforeRefresh::accept)
                .run(arguments);
        return new InProcessApp(context);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    public FlashSaleClient client() {
        return new FlashSaleClient(port(), FlashSaleIntegrationTest.ADMIN_TOKEN);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
