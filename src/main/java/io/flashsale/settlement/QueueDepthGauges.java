package io.flashsale.settlement;

import io.flashsale.shared.MetricsProperties;
import io.flashsale.shared.OrderQueues;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Messages waiting in, and consumers of, every queue an order travels through (orders, retries,
 * dead letters, parking lot). Polled in the background with a passive declare per queue; a scrape
 * only reads the last figures, and a queue that could not be asked reads NaN rather than a stale
 * number.
 */
@Component
class QueueDepthGauges {

    private static final Logger log = LoggerFactory.getLogger(QueueDepthGauges.class);

    private final AmqpAdmin admin;
    private final Map<String, AtomicReference<QueueInformation>> latest = new LinkedHashMap<>();

    QueueDepthGauges(AmqpAdmin admin, OrderQueues queues, MeterRegistry meters) {
        this.admin = admin;
        for (String orderQueue : queues.orderQueues()) {
            register(meters, orderQueue, "orders");
        }
        for (int retry = 1; retry <= queues.retryDelays().size(); retry++) {
            register(meters, queues.retryQueue(retry), "retry");
        }
        register(meters, queues.deadLetterQueue(), "dead-letter");
        register(meters, queues.parkingLot(), "parking-lot");
    }

    @Scheduled(fixedDelayString = MetricsProperties.POLL_INTERVAL)
    void poll() {
        latest.forEach((queue, info) -> {
            try {
                info.set(admin.getQueueInfo(queue));
            } catch (RuntimeException e) {
                info.set(null);
                log.debug("Could not read the depth of {}: {}", queue, e.toString());
            }
        });
    }

    private void register(MeterRegistry meters, String queue, String kind) {
        var info = new AtomicReference<QueueInformation>();
        latest.put(queue, info);
        Gauge.builder(
                        "flashsale.queue.messages",
                        info,
                        i -> i.get() == null ? Double.NaN : i.get().getMessageCount())
                .description("Messages ready in the queue")
                .tags("queue", queue, "kind", kind)
                .register(meters);
        Gauge.builder(
                        "flashsale.queue.consumers",
                        info,
                        i -> i.get() == null ? Double.NaN : i.get().getConsumerCount())
                .description("Consumers attached to the queue")
                .tags("queue", queue, "kind", kind)
                .register(meters);
    }
}
