package io.flashsale.shared;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelFactory;
import org.springframework.amqp.rabbit.connection.PublisherCallbackChannelImpl;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.support.ExecutorServiceAdapter;
import org.springframework.stereotype.Component;

/**
 * What Spring AMQP does after each broker confirm and return runs on the connection's reader
 * thread, where they arrive, instead of as one task per message on the connection factory's cached
 * pool of platform threads; from the moment the application starts to stop, the pool takes them
 * again.
 * <p>
 * Spring AMQP completes a message's {@code CorrelationData} future (what every publisher of this
 * application waits on) and records a return on the reader thread already; the task that follows
 * each confirm only calls {@code RabbitTemplate}'s confirm callback, which this application does
 * not set, and the channel's after-ack hook, which hands a channel back to the cache. Each task
 * woke a pool thread: about 2,900 {@code futex} calls a second between 13 pool threads at 1,100
 * buyers a second, and 7-13 % of the CPU of an admitted order (docs/adr/0073). While the
 * connection factory is active, nothing of that blocks. While it stops, the after-ack hook closes
 * the channel instead, a call that waits for the broker's answer, which only the reader thread
 * can read: hence the pool again once stopping begins (this bean stops just before the factory).
 * A confirm or returns callback added to a {@code RabbitTemplate} would run on the reader thread
 * too, and must not block or call the broker: it would hold up every confirm and delivery of the
 * connection.
 */
@Component
class ConfirmsOnTheReaderThread implements BeanPostProcessor, SmartLifecycle {

    /** Spring AMQP's {@code CachingConnectionFactory} stops in the last phase; this bean just before it. */
    private static final int PHASE = Integer.MIN_VALUE + 1;

    /** Set once stopping has begun; until then the bean counts as running, so nothing needs to start it. */
    private volatile boolean stopping;

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof CachingConnectionFactory connections) {
            PublisherCallbackChannelFactory channels =
                    (channel, pool) -> new PublisherCallbackChannelImpl(channel, readerThreadUntilStopping(pool));
            connections.setPublisherChannelFactory(channels);
            if (connections.getPublisherConnectionFactory() instanceof CachingConnectionFactory publishers) {
                publishers.setPublisherChannelFactory(channels);
            }
        }
        return bean;
    }

    /** Runs each task on the thread that submits it, or on {@code pool} once stopping has begun. */
    private ExecutorService readerThreadUntilStopping(ExecutorService pool) {
        return new ExecutorServiceAdapter(task -> {
            if (!stopping) {
                task.run();
                return;
            }
            try {
                pool.execute(task);
            } catch (RejectedExecutionException poolShutDown) {
                task.run();
            }
        });
    }

    @Override
    public void start() {
        stopping = false;
    }

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public boolean isRunning() {
        return !stopping;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
