package io.flashsale.shared;

import java.util.concurrent.ExecutorService;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelImpl;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.support.ExecutorServiceAdapter;
import org.springframework.stereotype.Component;

/**
 * What Spring AMQP does after each broker confirm and return runs on the connection's reader
 * thread, where they arrive, instead of as one task per message on the connection factory's cached
 * pool of platform threads.
 * <p>
 * Spring AMQP completes a message's {@code CorrelationData} future (what every publisher of this
 * application waits on) and records a return on the reader thread already; the pool task that
 * follows each confirm only calls {@code RabbitTemplate}'s confirm callback, which this
 * application does not set, and the channel's after-ack hook, which hands a channel back to the
 * cache. Each such task woke a pool thread: under a crowd 13 to 30 of them, about 2,900 wake-ups
 * a second at 1,000 orders a second, and about a tenth of the CPU of an admitted order
 * (docs/adr/0073). Nothing that runs here blocks. A confirm or returns callback added to a
 * {@code RabbitTemplate} would run here too, and must not block or call the broker: it would
 * hold up every confirm and delivery of the connection.
 */
@Component
class ConfirmsOnTheReaderThread implements BeanPostProcessor {

    /** Runs each task on the thread that submits it; a channel only ever calls {@code execute}. */
    private static final ExecutorService CALLER_RUNS = new ExecutorServiceAdapter(new SyncTaskExecutor());

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof CachingConnectionFactory connections) {
            connections.setPublisherChannelFactory(
                    (channel, ignoredPool) -> new PublisherCallbackChannelImpl(channel, CALLER_RUNS));
        }
        return bean;
    }
}
