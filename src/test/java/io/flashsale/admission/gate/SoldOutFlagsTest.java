package io.flashsale.admission.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The local sold-out flag: answered from memory, and re-checked by one request at a time. */
class SoldOutFlagsTest {

    private static final Duration TTL = Duration.ofSeconds(2);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final SoldOutFlags flags = new SoldOutFlags(TTL, clock::get);

    private void advance(Duration duration) {
        clock.addAndGet(duration.toNanos());
    }

    @Test
    void aFreshFlagRefusesWhatTheGateCannotGiveAndNothingElse() {
        assertThat(flags.isSoldOutFor(1, 1)).as("no flag").isFalse();

        flags.markSoldOut(1, 2, flags.now());

        assertThat(flags.isSoldOutFor(1, 2)).as("the gate still has 2").isFalse();
        assertThat(flags.isSoldOutFor(1, 3)).isTrue();
        assertThat(flags.isSoldOutFor(2, 3)).as("another item").isFalse();
    }

    @Test
    void whenTheFlagIsStaleOnlyOneOfTheCrowdAsksTheGate() throws Exception {
        flags.markSoldOut(1, 0, flags.now());
        advance(TTL);

        int crowd = 2_000;
        var start = new CountDownLatch(1);
        List<Future<Boolean>> refused = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < crowd; i++) {
                refused.add(threads.submit(() -> {
                    start.await();
                    return flags.isSoldOutFor(1, 1);
                }));
            }
            start.countDown();
        }

        long askers = 0;
        for (Future<Boolean> answer : refused) {
            askers += answer.get() ? 0 : 1;
        }
        assertThat(askers).as("requests let through to the gate").isEqualTo(1);
    }

    @Test
    void theAskersAnswerSetsAFreshFlag() {
        flags.markSoldOut(1, 0, flags.now());
        advance(TTL);
        assertThat(flags.isSoldOutFor(1, 1)).as("the one that asks").isFalse();

        flags.markSoldOut(1, 0, flags.now());
        advance(TTL.minusMillis(1));

        assertThat(flags.isSoldOutFor(1, 1))
                .as("the new flag stands a whole TTL")
                .isTrue();
    }

    @Test
    void anAskerThatNeverAnswersIsFollowedByAnotherOneTtlLater() {
        flags.markSoldOut(1, 0, flags.now());
        advance(TTL);
        assertThat(flags.isSoldOutFor(1, 1)).as("asks, and its call fails").isFalse();

        advance(TTL.minusMillis(1));
        assertThat(flags.isSoldOutFor(1, 1)).as("still waiting for the first").isTrue();

        advance(Duration.ofMillis(1));
        assertThat(flags.isSoldOutFor(1, 1)).as("a second asker").isFalse();
        assertThat(flags.isSoldOutFor(1, 1)).as("and only one").isTrue();
    }

    @Test
    void anAnswerThatSaysNothingOfTheStockHandsTheRecheckOnAtOnce() {
        flags.markSoldOut(1, 0, flags.now());
        advance(TTL);
        assertThat(flags.isSoldOutFor(1, 1))
                .as("asks, and meets the buyer's limit")
                .isFalse();
        assertThat(flags.isSoldOutFor(1, 1)).isTrue();

        flags.unanswered(1);

        assertThat(flags.isSoldOutFor(1, 1)).as("the next one asks").isFalse();
        assertThat(flags.isSoldOutFor(1, 1)).as("and only it").isTrue();
    }

    @Test
    void anUnansweredCallDoesNotAgeAFreshFlag() {
        flags.markSoldOut(1, 0, flags.now());
        flags.unanswered(1);
        assertThat(flags.isSoldOutFor(1, 1)).isTrue();
    }

    @Test
    void anAdmissionOfMoreThanTheFlagAllowsAskedAfterItClearsIt() {
        long beforeTheSellOut = flags.now();
        advance(Duration.ofMillis(1));
        flags.markSoldOut(1, 0, flags.now());
        advance(Duration.ofMillis(1));

        flags.admitted(1, 1, beforeTheSellOut);
        assertThat(flags.isSoldOutFor(1, 1))
                .as("the last unit, asked before the sell-out")
                .isTrue();

        long asked = flags.now();
        advance(Duration.ofMillis(1));
        flags.admitted(1, 1, asked);
        assertThat(flags.isSoldOutFor(1, 1)).as("a unit came back").isFalse();
    }

    @Test
    void anAdmissionTheFlagAllowsLeavesItStanding() {
        flags.markSoldOut(1, 2, flags.now());
        advance(Duration.ofMillis(1));
        flags.admitted(1, 2, flags.now());
        assertThat(flags.isSoldOutFor(1, 3)).isTrue();
    }

    @Test
    void aSoldOutAskedBeforeARestockDoesNotSetTheFlagAgain() {
        long asked = flags.now();
        advance(Duration.ofMillis(1));
        flags.clear(1);
        advance(Duration.ofMillis(1));

        flags.markSoldOut(1, 0, asked);

        assertThat(flags.isSoldOutFor(1, 1)).isFalse();
    }

    @Test
    void anOlderSoldOutDoesNotReplaceANewerOne() {
        long older = flags.now();
        advance(Duration.ofMillis(1));
        flags.markSoldOut(1, 0, flags.now());
        flags.markSoldOut(1, 5, older);
        assertThat(flags.isSoldOutFor(1, 1))
                .as("the newer answer: nothing left")
                .isTrue();
    }

    @Test
    void aReleaseClearsTheFlag() {
        flags.markSoldOut(2, 0, flags.now());
        flags.clear(2);
        assertThat(flags.isSoldOutFor(2, 1)).isFalse();
    }

    @Test
    void theClockMayWrap() {
        clock.set(Long.MAX_VALUE - 1_000);
        flags.markSoldOut(1, 0, flags.now());
        advance(TTL.minusMillis(1));
        assertThat(flags.isSoldOutFor(1, 1)).isTrue();
        advance(Duration.ofMillis(1));
        assertThat(flags.isSoldOutFor(1, 1)).isFalse();
    }

    @Test
    void aTtlOfZeroOrLessIsRefusedAtStart() {
        assertThatThrownBy(() -> new SoldOutFlags(Duration.ZERO, clock::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FLASHSALE_GATE_SOLD_OUT_TTL");
        assertThatThrownBy(() -> new SoldOutFlags(Duration.ofSeconds(-1), clock::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
