package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.FlashSaleIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The application's publisher channels, against the real broker: a confirm is handled on the
 * connection's reader thread, not as a task of Spring AMQP's channel pool, until stopping begins,
 * when the pool takes it again. Two guards of what the publishers rely on, which held before
 * (docs/adr/0073) and must still: a message the broker could not route is known as returned by
 * the time its confirm completes the future, and a channel the broker closes settles what it
 * carried (a nack), so no publisher waits for its timeout. Each test has an exchange and a queue
 * of its own.
 */
@FlashSaleIntegrationTest
class ConfirmsOnTheReaderThreadTest {

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    ConnectionFactory connections;

    @Autowired
    AmqpAdmin admin;

    private final String name = "confirms-" + UUID.randomUUID();

    @AfterEach
    void removeTopology() {
        admin.deleteQueue(name);
        admin.deleteExchange(name);
    }

    @Test
    void aConfirmIsHandledOnTheConnectionsReaderThread() throws Exception {
        admin.declareQueue(new Queue(name, false, false, true));

        assertThat(threadThatHandlesAConfirm(connections))
                .as("the amqp-client's reader thread of the connection, not Spring AMQP's channel pool")
                .startsWith("AMQP Connection");
        assertThat(admin.getQueueInfo(name).getMessageCount()).isEqualTo(1);
    }

    @Test
    void onceStoppingHasBegunThePoolHandlesTheConfirmsAgain() throws Exception {
        admin.declareQueue(new Queue(name, false, false, true));
        var own = new CachingConnectionFactory(((CachingConnectionFactory) connections).getRabbitConnectionFactory());
        own.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        var confirmsWhere = new ConfirmsOnTheReaderThread();
        confirmsWhere.postProcessAfterInitialization(own, "own");
        confirmsWhere.start();
        try {
            assertThat(threadThatHandlesAConfirm(own)).startsWith("AMQP Connection");

            confirmsWhere.stop();

            assertThat(threadThatHandlesAConfirm(own))
                    .as("a pool thread: the after-ack hook may close a channel while the factory stops")
                    .doesNotStartWith("AMQP Connection");
        } finally {
            own.destroy();
        }
    }

    /**
     * Publishes one message through a template of its own on {@code factory} (the shared template
     * keeps having no confirm callback) and names the thread its confirm callback ran on.
     */
    private String threadThatHandlesAConfirm(ConnectionFactory factory) throws Exception {
        var template = new RabbitTemplate(factory);
        var handledOn = new AtomicReference<String>();
        var handled = new CountDownLatch(1);
        template.setConfirmCallback((correlation, ack, cause) -> {
            handledOn.set(Thread.currentThread().getName());
            handled.countDown();
        });
        var correlation = new CorrelationData();
        try {
            template.send("", name, message(), correlation);
            assertThat(correlation.getFuture().get(5, TimeUnit.SECONDS).ack()).isTrue();
            assertThat(handled.await(5, TimeUnit.SECONDS))
                    .as("the confirm callback ran")
                    .isTrue();
            return handledOn.get();
        } finally {
            template.destroy();
        }
    }

    @Test
    void anUnroutableMessageIsKnownAsReturnedWhenItsConfirmArrives() throws Exception {
        admin.declareExchange(new DirectExchange(name, false, true));
        var correlation = new CorrelationData();
        // Read in a stage of the future: it runs once the future is complete, on whichever thread.
        var returnedAtConfirm = correlation.getFuture().thenApply(confirm -> correlation.getReturned() != null);

        rabbit.send(name, "no-queue-is-bound-here", message(), correlation);

        assertThat(correlation.getFuture().get(5, TimeUnit.SECONDS).ack())
                .as("the broker acks what it could not route")
                .isTrue();
        assertThat(returnedAtConfirm.get(5, TimeUnit.SECONDS))
                .as("the return was recorded before the confirm")
                .isTrue();
    }

    @Test
    void aChannelTheBrokerClosesSettlesWhatItCarried() throws Exception {
        var correlation = new CorrelationData();

        // No such exchange: the broker closes the channel (404), and the message's confirm is a nack.
        rabbit.send("no-such-exchange-" + name, "anything", message(), correlation);

        assertThat(correlation.getFuture().get(5, TimeUnit.SECONDS).ack()).isFalse();
        var next = new CorrelationData();
        admin.declareQueue(new Queue(name, false, false, true));
        rabbit.send("", name, message(), next);
        assertThat(next.getFuture().get(5, TimeUnit.SECONDS).ack())
                .as("the next publish, on a new channel")
                .isTrue();
    }

    private static Message message() {
        return new Message("order".getBytes(StandardCharsets.UTF_8), new MessageProperties());
    }
}
