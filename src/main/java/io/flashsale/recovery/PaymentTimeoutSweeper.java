package io.flashsale.recovery;

import io.flashsale.payment.UnitReturns;
import io.flashsale.standby.StandbyQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The reconciler's leader, every interval: finishes the returns whose gate half was lost (a crash
 * or a Redis error after the commit), cancels the holds whose payment window has passed and puts
 * their units back on sale (offered to the buyers standing by first), then serves the standby list
 * from units free in the gate, expires it when a sale ends, and queues again served orders whose
 * publish was not confirmed. Exactly-once does not rest on there being one leader (a second
 * sweeper's UPDATE finds the rows CANCELLED already, restock.lua gives nothing twice); one leader
 * only keeps two from doing the same work.
 */
class PaymentTimeoutSweeper {

    private static final Logger log = LoggerFactory.getLogger(PaymentTimeoutSweeper.class);

    private final ReconcilerLeadership leadership;
    private final UnitReturns returns;
    private final StandbyQueue standby;
    private final ReconcilerProperties settings;

    PaymentTimeoutSweeper(
            ReconcilerLeadership leadership, UnitReturns returns, StandbyQueue standby, ReconcilerProperties settings) {
        this.leadership = leadership;
        this.returns = returns;
        this.standby = standby;
        this.settings = settings;
    }

    @Scheduled(fixedDelayString = ReconcilerProperties.INTERVAL)
    void sweep() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            returns.finishUnfinished(settings.grace(), settings.endedSaleRetention());
            int cancelled = returns.cancelOverdue();
            if (cancelled > 0) {
                log.info("Cancelled {} holds whose payment window had passed; their units are back on sale", cancelled);
            }
        } catch (RuntimeException e) {
            log.warn("Sweeping payment timeouts failed, will try again: {}", e.toString());
        }
        try {
            standby.serveWaiting(settings.grace());
        } catch (RuntimeException e) {
            log.warn("Serving the standby list failed, will try again: {}", e.toString());
        }
    }
}
