package io.flashsale.admission.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Takes turns between connections: a request that its connection's virtual thread reads right after
 * that thread answered the previous one waits behind the connections already waiting for a thread.
 *
 * <p>Tomcat runs each dispatch of a connection on a new virtual thread, and after an answer it reads
 * the connection's next request in the same thread if that request has already arrived. A virtual
 * thread is never preempted, so a connection whose client answers fast is served again and again
 * while the others wait in the scheduler's queue: answers in 60 µs for some, seconds for others
 * (docs/adr/0008, 0046). {@link Thread#yield()} puts the thread at the back of the scheduler's
 * queue of submitted tasks, where the other connections' dispatches wait. A request that came
 * through that queue already (the first on its thread) does not yield, so only the requests that
 * would jump the queue pay for a turn.
 */
final class FairTurnValve extends ValveBase {

    /** Set on a virtual thread once it has served a request; the thread ends with its dispatch. */
    private static final ThreadLocal<Boolean> SERVED = new ThreadLocal<>();

    private final Counter turns;

    FairTurnValve(MeterRegistry meters) {
        super(true);
        this.turns = Counter.builder("flashsale.http.turns")
                .description(
                        "requests read by the thread that served the connection's previous one, sent to the back of the queue")
                .register(meters);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (Thread.currentThread().isVirtual()) {
            if (SERVED.get() == null) {
                SERVED.set(Boolean.TRUE);
            } else {
                turns.increment();
                Thread.yield();
            }
        }
        getNext().invoke(request, response);
    }
}
