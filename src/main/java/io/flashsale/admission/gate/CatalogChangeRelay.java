package io.flashsale.admission.gate;

import io.flashsale.sale.SaleChanged;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Tells the other instances that a sale changed, once the change is committed, so that they drop
 * what they cached about it ({@link GateChangeSubscriber} receives it). Message:
 * {@code saleId:itemId,itemId,...}.
 */
@Component
class CatalogChangeRelay {

    private static final Logger log = LoggerFactory.getLogger(CatalogChangeRelay.class);

    private final StringRedisTemplate redis;
    private final GateKeys keys;

    CatalogChangeRelay(StringRedisTemplate redis, RedisGate gate) {
        this.redis = redis;
        this.keys = gate.keys();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void on(SaleChanged change) {
        String message = change.saleId() + ":"
                + change.itemIds().stream().map(String::valueOf).collect(Collectors.joining(","));
        try {
            redis.convertAndSend(keys.catalogChannel(), message);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not tell other instances that sale {} changed; their caches expire on their own: {}",
                    change.saleId(),
                    e.toString());
        }
    }
}
