package io.flashsale.admission.edge;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A ticket line: requests start in the order of their tickets, first come, first served.
 *
 * <p>{@link TicketedExecutor} gives a ticket to each dispatch of a connection that reads a request,
 * as Tomcat's poller hands it over, that is in the order the connections' requests arrived; a
 * request read inline after its connection's previous answer takes a new ticket at the back
 * ({@link FairTurnValve}). {@link #awaitTurn} returns once every earlier ticket has gone through
 * or {@link #leave left}. The virtual threads' scheduler runs the ready threads in no particular
 * order (a work-stealing pool), so without the line a request could be passed over again and
 * again; in the line the others only overtake it on the way to the gate, which costs them a park
 * each (docs/adr/0065).
 *
 * <p>No lock: a ticket that arrives or leaves puts its mark in a map, then moves the turn past
 * every marked ticket it finds in order ({@link #advance}), so whichever thread marks the ticket
 * whose turn it is moves the line on. A lock here was a convoy: each hand-over of it waited for the
 * next virtual thread to be scheduled, and the request at the front of the line waited with them.
 *
 * <p>The line never holds a request once it started, so a slow request does not hold up the ones
 * behind it; a dispatch that blocks before it reaches the gate does, for the patience at most. A
 * request that has waited its {@code patience} goes through and takes every earlier ticket with
 * it, so a ticket lost or stuck costs one wait, not one per request.
 */
final class TicketLine {

    /** The mark of a ticket that left without going through the gate. */
    private static final Object LEFT = new Object();

    private final long patienceNanos;
    private final AtomicLong nextTicket = new AtomicLong();
    /** The ticket whose turn it is: every earlier one has gone through or left. */
    private final AtomicLong turn = new AtomicLong();
    /** Tickets at or after the turn that arrived at the gate (their {@link Waiter}) or left ({@link #LEFT}). */
    private final ConcurrentHashMap<Long, Object> marks = new ConcurrentHashMap<>();

    private final AtomicLong skipped = new AtomicLong();

    /** @param patience the longest a request waits for the tickets ahead of it */
    TicketLine(Duration patience) {
        this.patienceNanos = patience.toNanos();
    }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean through;

        void letThrough() {
            through = true;
            LockSupport.unpark(thread);
        }
    }

    /** A ticket at the back of the line. */
    long ticket() {
        return nextTicket.getAndIncrement();
    }

    /** Waits until every earlier ticket has gone through or left, or for the patience at most. */
    void awaitTurn(long ticket) {
        if (turn.compareAndSet(ticket, ticket + 1)) {
            advance();
            return;
        }
        Waiter me = new Waiter();
        marks.put(ticket, me);
        advance();
        if (turn.get() > ticket) {
            // let through by advance(), or the turn had jumped past this ticket before its mark was put
            marks.remove(ticket, me);
            return;
        }
        long deadline = System.nanoTime() + patienceNanos;
        // Once the turn passes this ticket, whoever moved it saw the mark: it removes it and lets us through.
        while (!me.through && turn.get() <= ticket) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                skipAhead(ticket);
                return;
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    /** The ticket of a dispatch that ends without its request having reached the gate. */
    void leave(long ticket) {
        if (turn.compareAndSet(ticket, ticket + 1)) {
            advance();
            return;
        }
        // marked without looking at the turn first: it may reach this ticket in between
        marks.putIfAbsent(ticket, LEFT);
        advance();
        if (turn.get() > ticket) {
            marks.remove(ticket, LEFT);
        }
    }

    /** Requests waiting at the gate. */
    int waiting() {
        return (int) marks.values().stream().filter(Waiter.class::isInstance).count();
    }

    /** Tickets passed over because a request behind them waited its whole patience before they came. */
    long skipped() {
        return skipped.get();
    }

    /** Moves the turn past every ticket that is marked, in order, and lets the waiters through. */
    private void advance() {
        while (true) {
            long current = turn.get();
            Object mark = marks.get(current);
            if (mark == null) {
                return;
            }
            if (turn.compareAndSet(current, current + 1)) {
                marks.remove(current, mark);
                if (mark instanceof Waiter waiter) {
                    waiter.letThrough();
                }
            }
        }
    }

    /** Out of patience: the turn jumps past this ticket, letting through every earlier waiter. */
    private void skipAhead(long ticket) {
        while (true) {
            long current = turn.get();
            if (current > ticket) {
                break;
            }
            if (turn.compareAndSet(current, ticket + 1)) {
                for (long passed = current; passed <= ticket; passed++) {
                    Object mark = marks.remove(passed);
                    if (mark instanceof Waiter waiter) {
                        waiter.letThrough();
                    } else if (mark == null && passed < ticket) {
                        skipped.incrementAndGet();
                    }
                }
                break;
            }
        }
        advance();
    }
}
