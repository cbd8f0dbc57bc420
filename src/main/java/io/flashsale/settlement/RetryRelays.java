package io.flashsale.settlement;

import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderQueues;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

/**
 * One {@link RetryRelay} consumer per retry queue (a consumer of several would hold a short delay
 * behind a long one), started and stopped with the worker.
 */
class RetryRelays implements SmartLifecycle {

    /** Copies a relay holds while they wait to fall due. */
    static final int PREFETCH = 250;
    /** A copy still waiting when the worker stops goes back to its retry queue unacknowledged. */
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(1);

    private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    private final RetryRelay relay;

    RetryRelays(
            ConnectionFactory connectionFactory,
            AmqpAdmin admin,
            ConfirmedHandOff handOff,
            OrderQueues queues,
            Clock clock) {
        relay = new RetryRelay(handOff, queues, clock);
        for (int retry = 1; retry <= queues.retryDelays().size(); retry++) {
            var container = new SimpleMessageListenerContainer(connectionFactory);
            container.setQueueNames(queues.retryQueue(retry));
            container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
            container.setPrefetchCount(PREFETCH);
            container.setShutdownTimeout(SHUTDOWN_TIMEOUT.toMillis());
            container.setMessageListener(relay);
            // Not a bean: without these, a retry queue deleted under a running relay stopped it for good
            // ("missing queues", fatal), and the copies put in the queue once it was back waited forever.
            container.setAmqpAdmin(admin);
            container.setMissingQueuesFatal(false);
            container.afterPropertiesSet();
            containers.add(container);
        }
    }

    @Override
    public void start() {
        relay.start();
        containers.forEach(SimpleMessageListenerContainer::start);
    }

    @Override
    public void stop() {
        relay.stop(); // the copies waiting go back to their queues; else a thread sleeps past the stop
        containers.forEach(SimpleMessageListenerContainer::stop);
    }

    @Override
    public boolean isRunning() {
        return containers.stream().anyMatch(SimpleMessageListenerContainer::isRunning);
    }

    /** Stops with the settlement consumer, before the connection factory closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
