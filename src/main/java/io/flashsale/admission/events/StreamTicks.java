package io.flashsale.admission.events;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The event streams' own schedule (docs/adr/0050): every {@code FLASHSALE_EVENTS_STOCK_INTERVAL}
 * the units of the streamed items that moved are pushed, every {@code FLASHSALE_EVENTS_HEARTBEAT}
 * each stream gets a comment line. On shutdown every stream is ended before the web server's
 * graceful shutdown (a later phase), which would otherwise wait for them; browsers reconnect elsewhere.
 */
@Component
@ConditionalOnRole(Role.API)
class StreamTicks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamTicks.class);

    private final EventStreams streams;
    private final OpenStreams open;
    private final EventStreamProperties settings;
    private final TaskScheduler scheduler;
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>(2);
    private volatile boolean running;

    StreamTicks(EventStreams streams, OpenStreams open, EventStreamProperties settings, TaskScheduler scheduler) {
        this.streams = streams;
        this.open = open;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    @Override
    public void start() {
        running = true;
        open.accept(true);
        ticks.add(scheduler.scheduleWithFixedDelay(streams::pushMovedUnits, settings.stockInterval()));
        ticks.add(scheduler.scheduleWithFixedDelay(open::pingAll, settings.heartbeat()));
    }

    @Override
    public void stop() {
        running = false;
        open.accept(false);
        ticks.forEach(tick -> tick.cancel(false));
        ticks.clear();
        int ended = open.endAll();
        if (ended > 0) {
            log.info("Ended {} event streams for the shutdown", ended);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
