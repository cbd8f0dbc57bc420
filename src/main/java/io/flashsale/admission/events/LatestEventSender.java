package io.flashsale.admission.events;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/**
 * Sends one client's events (docs/adr/0050): from a virtual thread, one at a time, and while one
 * is on its way only the latest event per key waits, so a slow client gets fewer events and never
 * holds up anyone else.
 */
final class LatestEventSender {

    private final SseEmitter emitter;
    private final Executor senders;
    private final Runnable failed;
    // guarded by this
    private final Map<String, SseEventBuilder> pending = new LinkedHashMap<>();
    private boolean sending;
    private boolean stopped;

    /** @param failed told when a send fails (the client went away, or the stream ended meanwhile) */
    LatestEventSender(SseEmitter emitter, Executor senders, Runnable failed) {
        this.emitter = emitter;
        this.senders = senders;
        this.failed = failed;
    }

    /** Sends {@code event}, replacing one of the same key that is still waiting. */
    void offer(String key, SseEventBuilder event) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            pending.remove(key);
            pending.put(key, event);
            if (sending) {
                return;
            }
            sending = true;
        }
        try {
            senders.execute(this::send);
        } catch (RuntimeException e) {
            failed.run();
        }
    }

    /** Drops what waits and sends nothing more. */
    synchronized void stop() {
        stopped = true;
        pending.clear();
    }

    private void send() {
        while (true) {
            List<SseEventBuilder> events;
            synchronized (this) {
                if (pending.isEmpty() || stopped) {
                    sending = false;
                    return;
                }
                events = new ArrayList<>(pending.values());
                pending.clear();
            }
            try {
                for (SseEventBuilder event : events) {
                    emitter.send(event);
                }
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    sending = false;
                }
                failed.run();
                return;
            }
        }
    }
}
