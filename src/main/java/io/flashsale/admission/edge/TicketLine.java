package io.flashsale.admission.edge;

import java.time.Duration;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ticket line: requests start in the order of their tickets, first come, first served.
 *
 * <p>{@link TicketedExecutor} gives a ticket to each dispatch of a connection that reads a
 * request, as Tomcat's poller hands it over, that is in the order the connections' requests
 * arrived; a request read inline after its connection's previous answer takes a new ticket at the
 * back ({@link FairTurnValve}).
 * {@link #awaitTurn} returns once every earlier ticket has gone through or {@link #leave left}. The
 * virtual threads' scheduler runs the ready threads in no particular order (a work-stealing pool),
 * so without the line a request could be passed over again and again; in the line the others only
 * overtake it on the way to the gate, which costs them a park each (docs/adr/0065).
 *
 * <p>Arrivals and departures take one short lock. Under a cold start's overload the thread at the
 * front of the line can wait for it behind other virtual threads, each hand-over waiting for the
 * next thread to be scheduled; a version without the lock had stalls of seconds in the spike and
 * is not used (docs/adr/0065).
 *
 * <p>The line never holds a request once it started, so a slow request does not hold up the ones
 * behind it. A ticket that never reaches the gate is left by the executor when its dispatch ends.
 * As a backstop against a ticket lost some other way, a request that has waited {@code patience}
 * goes through and takes every earlier ticket with it, so a lost ticket costs one wait, not one per
 * request.
 */
final class TicketLine {

    private final long patienceNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Tickets at the gate, waiting for an earlier one. */
    private final NavigableMap<Long, Waiter> waiting = new TreeMap<>();
    /** Tickets that left before their turn; skipped when it comes. */
    private final NavigableSet<Long> left = new TreeSet<>();

    /** Taken by Tomcat's poller thread for every dispatch: no lock on that path. */
    private final AtomicLong nextTicket = new AtomicLong();

    /** The ticket whose turn it is: every earlier one has gone through or left. */
    private long turn;

    private long skipped;

    /** @param patience the longest a request waits for the tickets ahead of it */
    TicketLine(Duration patience) {
        this.patienceNanos = patience.toNanos();
    }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean through;
    }

    /** A ticket at the back of the line. */
    long ticket() {
        return nextTicket.getAndIncrement();
    }

    /** Waits until every earlier ticket has gone through or left, or for the patience at most. */
    void awaitTurn(long ticket) {
        Waiter me;
        lock.lock();
        try {
            if (ticket < turn) {
                // passed over while a request behind it ran out of patience
                return;
            }
            if (ticket == turn) {
                turn++;
                releaseFollowers();
                return;
            }
            me = new Waiter();
            waiting.put(ticket, me);
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + patienceNanos;
        while (!me.through) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                giveUpWaiting(ticket, me);
                return;
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    /** The ticket of a dispatch that ends without its request having reached the gate. */
    void leave(long ticket) {
        lock.lock();
        try {
            if (ticket == turn) {
                turn++;
                releaseFollowers();
            } else if (ticket > turn) {
                left.add(ticket);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting at the gate. */
    int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Tickets passed over because a request behind them ran out of patience. */
    long skipped() {
        lock.lock();
        try {
            return skipped;
        } finally {
            lock.unlock();
        }
    }

    private void giveUpWaiting(long ticket, Waiter me) {
        lock.lock();
        try {
            if (me.through) {
                return;
            }
            skipped += ticket
                    - turn
                    - waiting.headMap(ticket, false).size()
                    - left.headSet(ticket).size();
            for (Waiter earlier : waiting.headMap(ticket, true).values()) {
                earlier.through = true;
                LockSupport.unpark(earlier.thread);
            }
            waiting.headMap(ticket, true).clear();
            left.headSet(ticket).clear();
            turn = ticket + 1;
            releaseFollowers();
        } finally {
            lock.unlock();
        }
    }

    /** Lets through, in order, the waiting tickets that follow the turn without a gap. */
    private void releaseFollowers() {
        while (true) {
            if (left.remove(turn)) {
                turn++;
                continue;
            }
            Waiter next = waiting.remove(turn);
            if (next == null) {
                return;
            }
            turn++;
            next.through = true;
            LockSupport.unpark(next.thread);
        }
    }
}
