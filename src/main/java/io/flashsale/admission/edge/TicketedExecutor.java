package io.flashsale.admission.edge;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Tomcat's executor for connections, wrapped so that each dispatch carries a ticket of the {@link
 * TicketLine}, taken when the poller hands the connection over. The dispatch's first request
 * waits at {@link FairTurnValve} with it; if no request reached the valve, the ticket leaves the
 * line when the dispatch ends.
 */
final class TicketedExecutor implements Executor {

    /** The ticket of the dispatch this thread runs; -1 once a request took it to the gate. */
    private static final ThreadLocal<long[]> DISPATCH_TICKET = new ThreadLocal<>();

    private final Executor connections;
    private final TicketLine line;

    /** @param connections the executor Tomcat would otherwise use (a new virtual thread per dispatch) */
    TicketedExecutor(Executor connections, TicketLine line) {
        this.connections = connections;
        this.line = line;
    }

    @Override
    public void execute(Runnable dispatch) {
        long[] ticket = {line.ticket()};
        try {
            connections.execute(() -> run(dispatch, ticket));
        } catch (RejectedExecutionException e) {
            line.leave(ticket[0]);
            throw e;
        }
    }

    private void run(Runnable dispatch, long[] ticket) {
        DISPATCH_TICKET.set(ticket);
        try {
            dispatch.run();
        } finally {
            DISPATCH_TICKET.remove();
            if (ticket[0] >= 0) {
                line.leave(ticket[0]);
            }
        }
    }

    /**
     * The ticket a request waits with.
     *
     * @param number its place in the line
     * @param inline true if the request was read right after its connection's previous answer, in
     *               the same dispatch: its ticket is a new one, at the back
     */
    record RequestTicket(long number, boolean inline) {}

    /**
     * The ticket of the request this thread is about to serve: its dispatch's if it is the
     * dispatch's first request, else a new one from {@code line}; null if this thread does not run
     * a dispatch of a {@code TicketedExecutor} (platform threads, tests).
     */
    static RequestTicket ticketForThisRequest(TicketLine line) {
        long[] ticket = DISPATCH_TICKET.get();
        if (ticket == null) {
            return null;
        }
        if (ticket[0] >= 0) {
            long first = ticket[0];
            ticket[0] = -1;
            return new RequestTicket(first, false);
        }
        return new RequestTicket(line.ticket(), true);
    }
}
