package io.flashsale.admission.gate;

import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleChanged;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * An API instance listens on four Redis pub/sub channels under the gate's key prefix: units of an
 * item came back (its sold-out flag goes), a sale changed (its cached metadata goes), units of items
 * moved and orders changed status (its event streams push them, docs/adr/0050, through
 * {@link LiveChangeListener}). Pub/sub delivers to
 * whoever is connected at that moment and keeps nothing, so a sold-out flag is re-checked once
 * stale and cached metadata expires on its own (docs/adr/0012, 0013, 0068), and a stream shows what it missed when its client reconnects. For the same reason the subscription is not a condition of
 * starting: it is made once the application is ready, and tried again every few seconds until
 * Redis takes it, so an instance that starts while Redis is slow or away still serves.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class GateChangeSubscriber {

    private static final Logger log = LoggerFactory.getLogger(GateChangeSubscriber.class);

    @Bean
    RedisMessageListenerContainer gateChangeListener(
            RedisConnectionFactory connections,
            RedisGate gate,
            SoldOutFlags soldOut,
            SaleCatalog catalog,
            LiveChangeListener streams) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connections);
        container.addMessageListener(
                (Message message, byte[] pattern) -> {
                    try {
                        soldOut.clear(Long.parseLong(text(message)));
                    } catch (NumberFormatException e) {
                        log.warn("Ignoring a malformed restock message: {}", e.toString());
                    }
                },
                new ChannelTopic(gate.keys().restockChannel()));
        container.addMessageListener(
                (Message message, byte[] pattern) -> {
                    try {
                        catalog.evict(parseSaleChanged(text(message)));
                    } catch (RuntimeException e) {
                        log.warn("Ignoring a malformed catalog message: {}", e.toString());
                    }
                },
                new ChannelTopic(gate.keys().catalogChannel()));
        container.addMessageListener(
                (Message message, byte[] pattern) -> streams.itemsMoved(text(message)),
                new ChannelTopic(gate.keys().stockChannel()));
        container.addMessageListener(
                (Message message, byte[] pattern) -> streams.ordersChanged(text(message)),
                new ChannelTopic(gate.keys().orderChannel()));
        container.setAutoStartup(false);
        return container;
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> gateChangeSubscription(
            RedisMessageListenerContainer gateChangeListener) {
        return ready -> Thread.ofVirtual().name("gate-change-subscription").start(() -> {
            while (ready.getApplicationContext().isActive()) {
                try {
                    gateChangeListener.start();
                    if (gateChangeListener.isListening()) {
                        return;
                    }
                } catch (RuntimeException e) {
                    log.warn("Could not subscribe to gate changes yet, trying again: {}", e.toString());
                    gateChangeListener.stop();
                }
                LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
            }
        });
    }

    static SaleChanged parseSaleChanged(String message) {
        String[] parts = message.split(":", 2);
        List<Long> items = parts.length < 2 || parts[1].isEmpty()
                ? List.of()
                : Arrays.stream(parts[1].split(",")).map(Long::valueOf).toList();
        return new SaleChanged(Long.parseLong(parts[0]), items);
    }

    private static String text(Message message) {
        return new String(message.getBody(), StandardCharsets.UTF_8);
    }
}
