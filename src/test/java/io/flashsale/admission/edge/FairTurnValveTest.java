package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests wait in the ticket line; a request read inline takes a ticket at the back (docs/adr/0065). */
class FairTurnValveTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger served = new AtomicInteger();
    private final TicketLine line = new TicketLine(Duration.ofSeconds(30));
    private final FairTurnValve valve = new FairTurnValve(line, meters);
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final TicketedExecutor connections = new TicketedExecutor(virtualThreads, line);

    {
        valve.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) {
                served.incrementAndGet();
            }
        });
    }

    @AfterEach
    void stop() {
        virtualThreads.close();
    }

    private double turns() {
        return meters.get("flashsale.http.turns").counter().count();
    }

    private Runnable serving(int requests) {
        return () -> {
            try {
                for (int i = 0; i < requests; i++) {
                    valve.invoke(null, null);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void requestsReadInlineTakeATicketAtTheBackAndAreCounted() {
        connections.execute(serving(3));
        connections.execute(serving(1));

        await().atMost(5, TimeUnit.SECONDS).until(() -> served.get() == 4);
        assertThat(turns()).isEqualTo(2);
        assertThat(line.waiting()).isZero();
    }

    @Test
    void aDispatchWaitsForTheConnectionsThatWereHandedOverBeforeIt() throws Exception {
        var firstMayServe = new CountDownLatch(1);
        connections.execute(() -> {
            waitFor(firstMayServe);
            serving(1).run();
        });
        connections.execute(serving(1));

        await().atMost(5, TimeUnit.SECONDS).until(() -> line.waiting() == 1);
        assertThat(served).as("the second dispatch waits for the first").hasValue(0);

        firstMayServe.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> served.get() == 2);
    }

    @Test
    void aDispatchThatServesNoRequestLeavesTheLine() {
        var firstMayEnd = new CountDownLatch(1);
        connections.execute(() -> waitFor(firstMayEnd));
        connections.execute(serving(1));

        await().atMost(5, TimeUnit.SECONDS).until(() -> line.waiting() == 1);
        firstMayEnd.countDown();

        await().atMost(5, TimeUnit.SECONDS).until(() -> served.get() == 1);
        assertThat(line.skipped()).isZero();
    }

    @Test
    void onlyADispatchThatReadsARequestTakesATicket() {
        assertThat(TicketedExecutor.readsARequest(dispatchFor(SocketEvent.OPEN_READ, () -> {})))
                .isTrue();
        for (SocketEvent other : new SocketEvent[] {
            SocketEvent.OPEN_WRITE, SocketEvent.ERROR, SocketEvent.TIMEOUT, SocketEvent.DISCONNECT, SocketEvent.STOP
        }) {
            assertThat(TicketedExecutor.readsARequest(dispatchFor(other, () -> {})))
                    .as(other.name())
                    .isFalse();
        }
    }

    @Test
    void aDispatchThatIsNotForARequestDoesNotHoldUpTheLineWhileItBlocks() {
        var errorMayEnd = new CountDownLatch(1);
        connections.execute(dispatchFor(SocketEvent.ERROR, () -> waitFor(errorMayEnd)));
        connections.execute(dispatchFor(SocketEvent.OPEN_READ, serving(1)));

        await().atMost(5, TimeUnit.SECONDS).until(() -> served.get() == 1);
        errorMayEnd.countDown();
        assertThat(line.waiting()).isZero();
    }

    @Test
    void aTicketIsLeftWhenTheExecutorCannotStartTheDispatch() {
        var refusing = new TicketedExecutor(
                task -> {
                    throw new RejectedExecutionException("shutting down");
                },
                line);
        assertThatThrownBy(() -> refusing.execute(serving(1))).isInstanceOf(RejectedExecutionException.class);

        connections.execute(serving(1));

        await().atMost(5, TimeUnit.SECONDS).until(() -> served.get() == 1);
        assertThat(line.skipped()).isZero();
    }

    /** A Tomcat dispatch for the given event, on an open connection, running {@code work}. */
    private static Runnable dispatchFor(SocketEvent event, Runnable work) {
        SocketWrapperBase<Object> connection = mock();
        when(connection.getLock()).thenReturn(new ReentrantLock());
        return new SocketProcessorBase<>(connection, event) {
            @Override
            protected void doRun() {
                work.run();
            }
        };
    }

    @Test
    void threadsThatRunNoTicketedDispatchGoStraightThrough() throws Exception {
        long ahead = line.ticket();
        serving(2).run();

        assertThat(served).hasValue(2);
        assertThat(turns()).isZero();
        line.leave(ahead);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
