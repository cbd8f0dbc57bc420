package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests start in the order of their tickets (docs/adr/0065). */
class TicketLineTest {

    private final TicketLine line = new TicketLine(Duration.ofSeconds(30));
    private final ConcurrentLinkedQueue<Long> started = new ConcurrentLinkedQueue<>();

    private Thread arriveAtGate(TicketLine line, long ticket) {
        return Thread.ofVirtual().start(() -> {
            line.awaitTurn(ticket);
            started.add(ticket);
        });
    }

    @Test
    void aLaterTicketWaitsAtTheGateUntilEveryEarlierOneHasGoneThrough() throws Exception {
        long first = line.ticket();
        long second = line.ticket();
        long third = line.ticket();

        Thread thirdAtGate = arriveAtGate(line, third);
        await().atMost(5, TimeUnit.SECONDS).until(() -> line.waiting() == 1);
        arriveAtGate(line, first).join();

        assertThat(started).as("the third waits for the second").containsExactly(first);
        assertThat(line.waiting()).isEqualTo(1);

        arriveAtGate(line, second).join();
        thirdAtGate.join();

        assertThat(started).containsExactlyInAnyOrder(first, second, third);
        assertThat(line.waiting()).isZero();
    }

    @Test
    void aTicketThatLeavesIsSkippedWhenItsTurnComes() throws Exception {
        long first = line.ticket();
        long leaving = line.ticket();
        long third = line.ticket();

        Thread thirdAtGate = arriveAtGate(line, third);
        line.leave(leaving);
        await().atMost(5, TimeUnit.SECONDS).until(() -> line.waiting() == 1);
        assertThat(started).as("the third still waits for the first").isEmpty();

        arriveAtGate(line, first).join();
        thirdAtGate.join();

        assertThat(started).containsExactlyInAnyOrder(first, third);
        assertThat(line.skipped()).isZero();
    }

    @Test
    void theTicketWhoseTurnItIsLeavingLetsTheNextOneThrough() throws Exception {
        long leaving = line.ticket();
        long second = line.ticket();
        Thread secondAtGate = arriveAtGate(line, second);
        await().atMost(5, TimeUnit.SECONDS).until(() -> line.waiting() == 1);

        line.leave(leaving);
        secondAtGate.join(Duration.ofSeconds(5));

        assertThat(started).containsExactly(second);
    }

    @Test
    void aLostTicketCostsOnePatienceThenTheLineMovesOn() throws Exception {
        var impatient = new TicketLine(Duration.ofMillis(200));
        long lost = impatient.ticket();
        long second = impatient.ticket();
        long third = impatient.ticket();

        Thread thirdAtGate = arriveAtGate(impatient, third);
        Thread secondAtGate = arriveAtGate(impatient, second);
        secondAtGate.join(Duration.ofSeconds(5));
        thirdAtGate.join(Duration.ofSeconds(5));

        assertThat(started).containsExactlyInAnyOrder(second, third);
        assertThat(impatient.skipped()).isEqualTo(1);
        assertThat(impatient.waiting()).isZero();
        long start = System.nanoTime();
        impatient.awaitTurn(impatient.ticket());
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the line no longer waits for the lost ticket")
                .isLessThan(Duration.ofMillis(200));
        impatient.awaitTurn(lost);
        assertThat(impatient.waiting()).isZero();
    }

    @Test
    void underConcurrentArrivalsAndDeparturesInAnyOrderEveryTicketGoesThroughOnce() throws Exception {
        int requests = 20_000;
        List<Long> tickets = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            tickets.add(line.ticket());
        }
        Collections.shuffle(tickets);
        var arriving = new ArrayList<Long>();
        var done = new CountDownLatch(requests);
        for (long ticket : tickets) {
            boolean leaves = ticket % 7 == 3;
            if (!leaves) {
                arriving.add(ticket);
            }
            Thread.ofVirtual().start(() -> {
                if (leaves) {
                    line.leave(ticket);
                } else {
                    line.awaitTurn(ticket);
                    started.add(ticket);
                }
                done.countDown();
            });
        }

        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(started).hasSize(arriving.size()).doesNotHaveDuplicates();
        assertThat(line.waiting()).isZero();
        assertThat(line.skipped()).as("no arrival or departure was lost").isZero();
    }
}
