package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
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
