package io.flashsale.admission.edge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's executor for connections, wrapped so that each dispatch that reads a request carries a
 * ticket of the {@link TicketLine}, taken when the poller hands the connection over. The
 * dispatch's first request waits at {@link FairTurnValve} with it; if no request reached the
 * valve, the ticket leaves the line when the dispatch ends.
 */
final class TicketedExecutor implements Executor {

    /** The ticket of the dispatch this thread runs; -1 once a request took it to the gate. */
    private static final ThreadLocal<long[]> DISPATCH_TICKET = new ThreadLocal<>();

    /** Tomcat's {@code SocketProcessorBase.event}: what the dispatch is for; null if it cannot be read. */
    private static final @Nullable VarHandle EVENT = eventOfDispatch();

    private final Executor connections;
    private final TicketLine line;

    /** @param connections the executor Tomcat would otherwise use (a new virtual thread per dispatch) */
    TicketedExecutor(Executor connections, TicketLine line) {
        this.connections = connections;
        this.line = line;
    }

    @Override
    public void execute(Runnable dispatch) {
        if (!readsARequest(dispatch)) {
            connections.execute(dispatch);
            return;
        }
        long[] ticket = {line.ticket()};
        boolean handedOver = false;
        try {
            connections.execute(() -> run(dispatch, ticket));
            handedOver = true;
        } finally {
            if (!handedOver) {
                line.leave(ticket[0]);
            }
        }
    }

    /**
     * Whether the dispatch is for a request to read (Tomcat's {@link SocketEvent#OPEN_READ}, which
     * also dispatches an async request back to the container). The others (a write that became
     * possible, a timeout, an error, a closed connection) get no ticket: they need not wait their
     * turn, and one of them could block on the connection before it ever reaches the gate, holding
     * up the line. Tomcat keeps the event in a protected field; if it cannot be read, every dispatch
     * takes a ticket.
     */
    static boolean readsARequest(Runnable dispatch) {
        if (EVENT == null || !(dispatch instanceof SocketProcessorBase<?> processor)) {
            return true;
        }
        return EVENT.get(processor) == SocketEvent.OPEN_READ;
    }

    private static @Nullable VarHandle eventOfDispatch() {
        try {
            return MethodHandles.privateLookupIn(SocketProcessorBase.class, MethodHandles.lookup())
                    .findVarHandle(SocketProcessorBase.class, "event", SocketEvent.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(TicketedExecutor.class)
                    .warn(
                            "Cannot read what a Tomcat dispatch is for ({}): every dispatch takes a ticket",
                            e.toString());
            return null;
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
    static @Nullable RequestTicket ticketForThisRequest(TicketLine line) {
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
