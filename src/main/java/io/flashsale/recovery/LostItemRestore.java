package io.flashsale.recovery;

import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.OrderQueues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Restores an item whose Redis state is lost, from PostgreSQL; while its sale is open, only once
 * the queues hold no order that could still change the stock (until then purchases of it are
 * answered 503).
 */
class LostItemRestore {

    private static final Logger log = LoggerFactory.getLogger(LostItemRestore.class);

    private final GateWarmup warmup;
    private final OrderQueues queues;
    private final RabbitAdmin rabbitAdmin;

    LostItemRestore(GateWarmup warmup, OrderQueues queues, RabbitAdmin rabbitAdmin) {
        this.warmup = warmup;
        this.queues = queues;
        this.rabbitAdmin = rabbitAdmin;
    }

    /**
     * Waits for the queues first while the sale is open (see {@link #settlementPipelineIsEmpty});
     * once it has ended nobody can be admitted, so there is nothing to wait for.
     */
    void restore(SaleItem item, Instant now) {
        if (now.isBefore(item.endsAt()) && !settlementPipelineIsEmpty()) {
            log.info(
                    "Item {} is missing from Redis; waiting for queued orders to settle before restoring it",
                    item.id());
            return;
        }
        long tokens = warmup.restore(item);
        log.warn(
                "Item {} was missing from Redis and has been restored from PostgreSQL with {} tokens",
                item.id(),
                tokens);
    }

    /**
     * No order waits in the orders, retry or dead-letter queues. Orders delivered to a worker and not
     * yet acknowledged are not counted here: the rebuild does not need them to be, because
     * confirm.lua counts an order the rebuilt gate never reserved when it is confirmed (load.lua).
     * Waiting only keeps the gate from admitting, meanwhile, units those orders are about to take.
     */
    private boolean settlementPipelineIsEmpty() {
        List<String> names = new ArrayList<>(queues.orderQueues());
        names.add(queues.deadLetterQueue());
        for (int retry = 1; retry <= queues.retryDelays().size(); retry++) {
            names.add(queues.retryQueue(retry));
        }
        return names.stream()
                .map(rabbitAdmin::getQueueInfo)
                .filter(Objects::nonNull)
                .allMatch(info -> info.getMessageCount() == 0);
    }
}
