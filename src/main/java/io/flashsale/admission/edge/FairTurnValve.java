package io.flashsale.admission.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Connections take turns: every request waits at this valve, in the {@link TicketLine}, until the
 * requests that arrived before it have started.
 *
 * <p>Tomcat runs each dispatch of a connection on a new virtual thread, and after an answer it
 * reads the connection's next request in the same thread if that request has already arrived. A
 * virtual thread is never preempted, and the scheduler runs the ready ones in no set order, so
 * without a line a connection whose client answers fast is served again and again while others
 * wait, and any request can be passed over many times (docs/adr/0008, 0046, 0065). A dispatch's
 * first request waits with the ticket its dispatch took when the poller handed the connection over;
 * a request read inline takes a new ticket, at the back.
 *
 * <p>Requests on threads that run no dispatch of the {@link TicketedExecutor} (Tomcat's platform
 * thread pool when virtual threads are off) go straight through.
 */
final class FairTurnValve extends ValveBase {

    private final TicketLine line;
    private final Counter turns;

    FairTurnValve(TicketLine line, MeterRegistry meters) {
        super(true);
        this.line = line;
        this.turns = Counter.builder("flashsale.http.turns")
                .description(
                        "requests read by the thread that served the connection's previous one, sent to the back of the line")
                .register(meters);
        Gauge.builder("flashsale.http.line.waiting", line, TicketLine::waiting)
                .description("requests waiting for the requests that arrived before them to start")
                .register(meters);
        FunctionCounter.builder("flashsale.http.line.skipped", line, TicketLine::skipped)
                .description("tickets passed over because a request behind them waited its whole patience")
                .register(meters);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        TicketedExecutor.RequestTicket ticket = TicketedExecutor.ticketForThisRequest(line);
        if (ticket != null) {
            if (ticket.inline()) {
                turns.increment();
            }
            line.awaitTurn(ticket.number());
        }
        getNext().invoke(request, response);
    }
}
