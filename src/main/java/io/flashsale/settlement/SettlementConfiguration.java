package io.flashsale.settlement;

import io.flashsale.orders.OrderMetrics;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderMessages;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.Role;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The worker role: a batching consumer of the four orders queues with manual acknowledgements, paused
 * by a circuit breaker while PostgreSQL is unreachable, so that an outage returns messages to the
 * queue instead of burning their retries.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.WORKER)
class SettlementConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SettlementConfiguration.class);

    /** Its state and calls are exported as {@code resilience4j.circuitbreaker.*{name="settlement-database"}}. */
    @Bean
    CircuitBreaker settlementDatabaseBreaker(SettlementProperties settings, MeterRegistry meters) {
        var breakers = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        return breakers.circuitBreaker(
                "settlement-database",
                CircuitBreakerConfig.custom()
                        .slidingWindow(4, 2, SlidingWindowType.COUNT_BASED)
                        .failureRateThreshold(50)
                        .recordException(failure -> FailureKind.of(failure) == FailureKind.DATABASE_DOWN)
                        .ignoreException(failure -> FailureKind.of(failure) != FailureKind.DATABASE_DOWN)
                        .waitDurationInOpenState(settings.databaseProbeInterval())
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .build());
    }

    @Bean
    OrderRequestListener orderRequestListener(
            BatchSettler settler,
            CircuitBreaker settlementDatabaseBreaker,
            RabbitTemplate rabbit,
            OrderQueues queues,
            OrderMessages messages,
            ApplicationEventPublisher events,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator,
            MeterRegistry meters,
            OrderMetrics orderMetrics,
            Clock clock) {
        var tracing = new SettlementTracing(
                tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
        var retries = new OrderRetries(new ConfirmedHandOff(rabbit), queues, clock);
        return new OrderRequestListener(
                settler,
                settlementDatabaseBreaker,
                new DeliveryOutcomes(retries, tracing),
                messages,
                events,
                tracing,
                new SettlementMetrics(meters),
                orderMetrics,
                clock);
    }

    @Bean
    RetryRelays retryRelays(
            ConnectionFactory connectionFactory,
            AmqpAdmin admin,
            RabbitTemplate rabbit,
            OrderQueues queues,
            Clock clock) {
        return new RetryRelays(connectionFactory, admin, new ConfirmedHandOff(rabbit), queues, clock);
    }

    @Bean
    SimpleMessageListenerContainer settlementContainer(
            ConnectionFactory connectionFactory,
            OrderQueues queues,
            SettlementProperties settings,
            OrderRequestListener listener,
            CircuitBreaker settlementDatabaseBreaker,
            Environment environment) {
        var container = new SimpleMessageListenerContainer(connectionFactory);
        // One consumer per orders queue on each consumer's channel; a batch takes from all of them, and
        // the prefetch limit applies per queue (a per-channel limit costs the broker a call per delivery).
        container.setQueueNames(queues.orderQueues().toArray(String[]::new));
        container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        container.setConsumerBatchEnabled(true);
        container.setBatchSize(settings.batchSize());
        container.setPrefetchCount(settings.prefetchPerOrdersQueue());
        container.setReceiveTimeout(settings.batchTimeout().toMillis());
        container.setBatchReceiveTimeout(settings.batchTimeout().toMillis());
        container.setConcurrentConsumers(settings.consumers(Role.API.isEnabledIn(environment)));
        // On shutdown, the batch in hand is committed and acknowledged before the consumer closes.
        container.setShutdownTimeout(settings.shutdownTimeout().toMillis());
        container.setMessageListener(listener);
        pauseWhileBreakerIsOpen(settlementDatabaseBreaker, container);
        return container;
    }

    /** Stops consuming while the breaker is open; its half-open state lets one batch probe the database. */
    private static void pauseWhileBreakerIsOpen(CircuitBreaker breaker, SimpleMessageListenerContainer container) {
        // Not on the listener thread: stopping the container waits for that very thread.
        ExecutorService switcher = Executors.newSingleThreadExecutor(
                Thread.ofVirtual().name("settlement-breaker").factory());
        long probeMillis = breaker.getCircuitBreakerConfig()
                .getWaitIntervalFunctionInOpenState()
                .apply(1);
        breaker.getEventPublisher().onStateTransition(event -> {
            switch (event.getStateTransition().getToState()) {
                case OPEN, FORCED_OPEN -> {
                    log.warn("PostgreSQL unreachable: pausing settlement, probing every {}ms", probeMillis);
                    switcher.execute(container::stop);
                }
                case HALF_OPEN ->
                    switcher.execute(() -> {
                        if (!container.isRunning()) {
                            log.info("Probing PostgreSQL with the next batch");
                            container.start();
                        }
                    });
                case CLOSED -> log.info("PostgreSQL is back: settlement resumed");
                default -> {}
            }
        });
    }
}
