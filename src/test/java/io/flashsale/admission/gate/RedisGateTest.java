package io.flashsale.admission.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flashsale.admission.gate.GateDecision.Outcome;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleItem;
import io.flashsale.sale.SaleStatus;
import io.flashsale.shared.OrderRequested;
import io.flashsale.support.FlashSaleIntegrationTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** Every outcome of the gate's scripts, in both modes, against the real Redis. */
@FlashSaleIntegrationTest
class RedisGateTest {

    private static final AtomicLong ITEMS = new AtomicLong(1);

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    StockListener live;

    @Value("${flashsale.gate.key-prefix}")
    String prefix;

    /** Its own key prefix: the synthetic item ids here must not meet the real items of other tests. */
    RedisGate gate(GateMode mode) {
        var settings = settings(mode);
        return new RedisGate(redis, settings, announcements(settings));
    }

    AdmissionProperties settings(GateMode mode) {
        return new AdmissionProperties(
                new AdmissionProperties.Gate(
                        mode,
                        prefix + ":gate-test",
                        Duration.ofSeconds(2),
                        Duration.ofHours(1),
                        Duration.ofHours(1),
                        Duration.ofSeconds(2)),
                new AdmissionProperties.Reservation(Duration.ofMinutes(5)));
    }

    /** Announcements with sold-out flags of their own: the gates here are not the application's. */
    StockAnnouncements announcements(AdmissionProperties settings) {
        return new StockAnnouncements(redis, settings, new SoldOutFlags(settings), live);
    }

    /** A template on the same Redis that hands each script and its arguments to {@code beforeScript} before sending it. */
    StringRedisTemplate watched(BiConsumer<RedisScript<?>, Object[]> beforeScript) {
        return new StringRedisTemplate(redis.getRequiredConnectionFactory()) {
            @Override
            public <T> T execute(RedisScript<T> script, List<String> keys, Object... args) {
                beforeScript.accept(script, args);
                return super.execute(script, keys, args);
            }
        };
    }

    static SaleItem item(int stock, int limit, Instant startsAt, Instant endsAt) {
        return new SaleItem(
                ITEMS.getAndIncrement(),
                1,
                "SKU",
                "Item",
                BigDecimal.ONE,
                stock,
                stock,
                limit,
                startsAt,
                endsAt,
                SaleStatus.WARMED_UP);
    }

    static SaleItem openItem(int stock, int limit) {
        return item(stock, limit, Instant.now().minusSeconds(5), Instant.now().plusSeconds(3600));
    }

    /** What PostgreSQL would say of a new item: all its stock available, these holdings, no confirmed order. */
    static GateSnapshot snapshot(SaleItem item, Map<String, Integer> holdings) {
        return new GateSnapshot(item.available(), holdings, List.of(), List.of());
    }

    /** Admits one unit for the buyer and returns it as the database would confirm it. */
    static SettledOrder admitted(RedisGate gate, SaleItem item, String user) {
        UUID orderId = UUID.randomUUID();
        assertThat(gate.reserve(item.id(), orderId, user, 1).outcome()).isEqualTo(Outcome.ADMITTED);
        return SettledOrder.confirmed(new OrderRequested(orderId, item.id(), user, 1, Instant.now(), null));
    }

    void deleteItemKeys(SaleItem item) {
        GateKeys keys = gate(GateMode.RESERVE).keys();
        redis.delete(List.of(
                keys.meta(item.id()),
                keys.tokens(item.id()),
                keys.buyers(item.id()),
                keys.pending(item.id()),
                keys.confirmed(item.id())));
    }

    GateDecision reserve(RedisGate gate, SaleItem item, String user, int quantity) {
        return gate.reserve(item.id(), UUID.randomUUID(), user, quantity);
    }

    @Nested
    class InReserveMode {

        final RedisGate gate = gate(GateMode.RESERVE);

        @Test
        void admitsTakesTokensCountsTheBuyerAndRecordsAPendingReservation() {
            SaleItem item = openItem(10, 3);
            gate.load(item, snapshot(item, Map.of()));

            GateDecision decision = reserve(gate, item, "alice", 2);

            assertThat(decision.outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(decision.deadline()).isAfter(Instant.now().plus(Duration.ofMinutes(4)));
            assertThat(gate.tokens(item.id())).contains(8L);
            assertThat(redis.opsForHash().get(gate.keys().buyers(item.id()), "alice"))
                    .isEqualTo("2");
            assertThat((String) redis.opsForHash()
                            .get(
                                    gate.keys().pending(item.id()),
                                    decision.orderId().toString()))
                    .startsWith("alice|2|");
        }

        @Test
        void refusesWhenTheTokensDoNotCoverTheQuantity() {
            SaleItem item = openItem(3, 5);
            gate.load(item, snapshot(item, Map.of()));
            reserve(gate, item, "alice", 2);

            assertThat(reserve(gate, item, "bob", 2).outcome()).isEqualTo(Outcome.SOLD_OUT);
            assertThat(reserve(gate, item, "bob", 1).outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(reserve(gate, item, "carol", 1).outcome()).isEqualTo(Outcome.SOLD_OUT);
            assertThat(gate.tokens(item.id())).contains(0L);
        }

        @Test
        void enforcesAPerUserLimitAboveOneAcrossOrders() {
            SaleItem item = openItem(10, 2);
            gate.load(item, snapshot(item, Map.of()));

            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(reserve(gate, item, "alice", 2).outcome()).isEqualTo(Outcome.LIMIT_REACHED);
            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.LIMIT_REACHED);
            assertThat(gate.tokens(item.id())).contains(8L);
        }

        @Test
        void countsWhatBuyersAlreadyHoldInPostgresWhenLoaded() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of("alice", 1)));

            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.LIMIT_REACHED);
        }

        @Test
        void refusesOutsideTheSaleWindow() {
            SaleItem early =
                    item(10, 1, Instant.now().plusSeconds(60), Instant.now().plusSeconds(120));
            SaleItem late =
                    item(10, 1, Instant.now().minusSeconds(120), Instant.now().minusSeconds(60));
            gate.load(early, snapshot(early, Map.of()));
            gate.load(late, snapshot(late, Map.of()));

            assertThat(reserve(gate, early, "alice", 1).outcome()).isEqualTo(Outcome.NOT_OPEN);
            assertThat(reserve(gate, late, "alice", 1).outcome()).isEqualTo(Outcome.NOT_OPEN);
            assertThat(gate.tokens(early.id())).contains(10L);
        }

        @Test
        void saysNotLoadedForAnItemItHasNoStateFor() {
            SaleItem item = openItem(10, 1);

            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.NOT_LOADED);
        }

        @Test
        void answersAReplayedIdempotencyKeyWithTheFirstOrderAndTakesNothingMore() {
            SaleItem item = openItem(10, 5);
            gate.load(item, snapshot(item, Map.of()));
            var first = gate.reserve(item.id(), List.of(UUID.randomUUID()), "alice", 1, Optional.of("key-1"));

            var replay = gate.reserve(item.id(), List.of(UUID.randomUUID()), "alice", 1, Optional.of("key-1"));

            assertThat(replay.outcome()).isEqualTo(Outcome.REPLAY);
            assertThat(replay.orderId()).isEqualTo(first.orderId());
            assertThat(gate.tokens(item.id())).contains(9L);
        }

        @Test
        void releasesAReservationOnlyOnce() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            UUID order = reserve(gate, item, "alice", 1).orderId();

            assertThat(gate.release(item.id(), List.of(order))).containsExactly(order);
            assertThat(gate.release(item.id(), List.of(order))).isEmpty();
            assertThat(gate.tokens(item.id())).contains(10L);
            assertThat(redis.opsForHash().hasKey(gate.keys().buyers(item.id()), "alice"))
                    .isFalse();
            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.ADMITTED);
        }

        @Test
        void confirmingTurnsTheReservationIntoASaleWithoutTakingTokensAgain() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            var decision = reserve(gate, item, "alice", 1);

            gate.confirm(item.id(), List.of(confirmed(item, decision.orderId(), "alice", 1)));

            assertThat(redis.opsForHash().size(gate.keys().pending(item.id()))).isZero();
            assertThat(gate.tokens(item.id())).contains(9L);
            assertThat(gate.release(item.id(), List.of(decision.orderId()))).isEmpty();
        }

        @Test
        void keepsWorkingAfterRedisForgetsItsScripts() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            redis.execute((RedisCallback<Void>) connection -> {
                connection.scriptingCommands().scriptFlush();
                return null;
            });

            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.ADMITTED);
        }

        @Test
        void aSecondLoadKeepsWhatIsReserved() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            reserve(gate, item, "alice", 1);

            assertThat(gate.load(item, snapshot(item, Map.of()))).isEqualTo(9L);
            assertThat(redis.opsForHash().get(gate.keys().buyers(item.id()), "alice"))
                    .isEqualTo("1");
        }

        @Test
        void anOrderWhoseReservationWasLostWithRedisIsCountedOnceWhenConfirmed() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            var order = admitted(gate, item, "alice");
            deleteItemKeys(item);
            assertThat(gate.load(item, snapshot(item, Map.of())))
                    .as("rebuilt from PostgreSQL, before the order settled")
                    .isEqualTo(10L);

            gate.confirm(item.id(), List.of(order));
            gate.confirm(item.id(), List.of(order));

            assertThat(gate.tokens(item.id())).contains(9L);
            assertThat(redis.opsForHash().get(gate.keys().buyers(item.id()), "alice"))
                    .isEqualTo("1");
            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.LIMIT_REACHED);
        }

        @Test
        void aRebuildCountsWhatPostgreSqlConfirmedOnlyOnce() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            var order = admitted(gate, item, "alice");
            deleteItemKeys(item);
            gate.load(item, new GateSnapshot(9, Map.of("alice", 1), List.of(order.orderId()), List.of()));

            gate.confirm(item.id(), List.of(order));

            assertThat(gate.tokens(item.id()))
                    .as("the snapshot had the sale already")
                    .contains(9L);
        }

        @Test
        void aConfirmOrReleaseOfAnItemThatIsNotLoadedCreatesNoKeys() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            var order = admitted(gate, item, "alice");
            deleteItemKeys(item);

            gate.confirm(item.id(), List.of(order));
            gate.release(item.id(), List.of(order.orderId()));

            assertThat(gate.isLoaded(item.id())).isFalse();
            assertThat(redis.hasKey(gate.keys().tokens(item.id()))).isFalse();
            assertThat(gate.load(item, snapshot(item, Map.of()))).isEqualTo(10L);
        }

        @Test
        void theRepairSetsTokensAndBuyersOnlyWhenNothingIsPendingAndNothingMoved() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            redis.opsForValue().set(gate.keys().tokens(item.id()), "13");
            redis.opsForHash().put(gate.keys().buyers(item.id()), "ghost", "1");
            var pending = admitted(gate, item, "alice");
            var truth = new GateSnapshot(10, Map.of("bob", 1), List.of(), List.of());
            var repair = new GateRepair(redis, gate, announcements(settings(GateMode.RESERVE)));

            assertThat(repair.repair(item.id(), 12, truth))
                    .as("a reservation is pending")
                    .isFalse();
            gate.release(item.id(), List.of(pending.orderId()));
            assertThat(repair.repair(item.id(), 12, truth))
                    .as("the tokens moved since they were measured")
                    .isFalse();
            assertThat(repair.repair(
                            item.id(), 13, new GateSnapshot(10, Map.of(), List.of(UUID.randomUUID()), List.of())))
                    .as("PostgreSQL has a confirmed order the gate does not count")
                    .isFalse();
            assertThat(repair.repair(item.id(), 13, truth)).isTrue();
            assertThat(gate.tokens(item.id())).contains(10L);
            assertThat(redis.<String, String>opsForHash().entries(gate.keys().buyers(item.id())))
                    .isEqualTo(Map.of("bob", "1"));
        }

        @Test
        void confirmingAWholeItemAgainCountsEachMissedOrderOnceAcrossChunks() {
            int orders = 2 * RedisGate.SCRIPT_CHUNK + 50;
            SaleItem item = openItem(orders + 10, 1);
            gate.load(item, snapshot(item, Map.of()));
            List<SettledOrder> all = IntStream.range(0, orders)
                    .mapToObj(i -> confirmed(item, UUID.randomUUID(), "buyer" + i, 1))
                    .toList();
            gate.confirm(item.id(), all.subList(0, 40));

            assertThat(gate.confirm(item.id(), all))
                    .as("only the orders the gate had not counted")
                    .isEqualTo(orders - 40L);
            assertThat(gate.confirm(item.id(), all)).isZero();
            assertThat(gate.tokens(item.id())).contains(10L);
            assertThat(redis.opsForSet().size(gate.keys().confirmed(item.id()))).isEqualTo((long) orders);
        }

        @Test
        void confirmAndReleaseSendRedisAChunkOfOrdersAtATimeAtMost() {
            List<Integer> argumentsSent = new ArrayList<>();
            var recording = watched((script, args) -> argumentsSent.add(args.length));
            var settings = settings(GateMode.RESERVE);
            var chunked = new RedisGate(recording, settings, announcements(settings));
            SaleItem item = openItem(1_000, 1);
            chunked.load(item, snapshot(item, Map.of()));
            int orders = 2 * RedisGate.SCRIPT_CHUNK + 1;
            List<SettledOrder> all = IntStream.range(0, orders)
                    .mapToObj(i -> confirmed(item, UUID.randomUUID(), "buyer" + i, 1))
                    .toList();
            argumentsSent.clear();

            assertThat(chunked.confirm(item.id(), all)).isEqualTo(orders);
            assertThat(argumentsSent)
                    .as("confirm.lua: the mode, then three per order")
                    .containsExactly(1 + 3 * RedisGate.SCRIPT_CHUNK, 1 + 3 * RedisGate.SCRIPT_CHUNK, 1 + 3);
            argumentsSent.clear();
            assertThat(chunked.release(
                            item.id(), all.stream().map(SettledOrder::orderId).toList()))
                    .as("nothing was reserved")
                    .isEmpty();
            assertThat(argumentsSent)
                    .as("release.lua: one per order")
                    .containsExactly(RedisGate.SCRIPT_CHUNK, RedisGate.SCRIPT_CHUNK, 1);
            argumentsSent.clear();
            assertThat(chunked.confirm(item.id(), List.of())).isZero();
            assertThat(chunked.release(item.id(), List.of())).isEmpty();
            assertThat(argumentsSent).as("nothing sent for no orders").isEmpty();
        }

        @Test
        void aReleaseAcrossChunksGivesBackEveryReservationOnce() {
            SaleItem item = openItem(RedisGate.SCRIPT_CHUNK + 20, 1);
            gate.load(item, snapshot(item, Map.of()));
            List<UUID> held = IntStream.range(0, RedisGate.SCRIPT_CHUNK + 5)
                    .mapToObj(i -> admitted(gate, item, "buyer" + i).orderId())
                    .toList();
            assertThat(gate.tokens(item.id())).contains(15L);

            assertThat(gate.release(item.id(), held)).containsExactlyElementsOf(held);
            assertThat(gate.release(item.id(), held)).isEmpty();
            assertThat(gate.tokens(item.id())).contains((long) RedisGate.SCRIPT_CHUNK + 20);
            assertThat(gate.pendingCount(item.id())).isZero();
        }

        @Test
        void unitsAReleaseGaveBackBeforeALaterChunkFailedAreAnnounced() {
            var settings = settings(GateMode.RESERVE);
            var flags = new SoldOutFlags(settings);
            var calls = new AtomicLong();
            var failingSecondCall = watched((script, args) -> {
                if (script == GateScripts.RELEASE && calls.incrementAndGet() == 2) {
                    throw new RedisConnectionFailureException("cut");
                }
            });
            var chunked =
                    new RedisGate(failingSecondCall, settings, new StockAnnouncements(redis, settings, flags, live));
            SaleItem item = openItem(RedisGate.SCRIPT_CHUNK + 5, 1);
            chunked.load(item, snapshot(item, Map.of()));
            List<UUID> held = IntStream.range(0, RedisGate.SCRIPT_CHUNK + 5)
                    .mapToObj(i -> admitted(chunked, item, "buyer" + i).orderId())
                    .toList();
            flags.markSoldOut(item.id(), 0, flags.now());

            assertThatThrownBy(() -> chunked.release(item.id(), held))
                    .isInstanceOf(RedisConnectionFailureException.class);
            assertThat(chunked.tokens(item.id()))
                    .as("the first chunk was given back")
                    .contains((long) RedisGate.SCRIPT_CHUNK);
            assertThat(flags.isSoldOutFor(item.id(), 1))
                    .as("this instance no longer answers sold out from memory")
                    .isFalse();
        }

        @Test
        void idempotencyKeysOfTwoBuyersNeverMeetWhateverTheyContain() {
            GateKeys keys = gate.keys();
            assertThat(keys.idempotency(1, "alice", "x:1")).isNotEqualTo(keys.idempotency(1, "alice:x", "1"));
            assertThat(keys.idempotencyRequest("alice", "x:1")).isNotEqualTo(keys.idempotencyRequest("alice:x", "1"));
            assertThat(keys.idempotency(1, "a|b", "%3A")).isNotEqualTo(keys.idempotency(1, "a|b%3A", ""));
            assertThat(keys.idempotencyRequest("}{", "x")).startsWith(keys.prefix() + ":idem:{%7D%7B}:");
        }
    }

    @Nested
    class InCheckOnlyMode {

        final RedisGate gate = gate(GateMode.CHECK_ONLY);

        @Test
        void admitsWithoutTakingAnything() {
            SaleItem item = openItem(1, 1);
            gate.load(item, snapshot(item, Map.of()));

            var first = reserve(gate, item, "alice", 1);
            var second = reserve(gate, item, "bob", 1);

            assertThat(first.outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(first.deadline()).isNull();
            assertThat(second.outcome()).isEqualTo(Outcome.ADMITTED);
            assertThat(gate.tokens(item.id())).contains(1L);
            assertThat(redis.opsForHash().size(gate.keys().pending(item.id()))).isZero();
        }

        @Test
        void takesTokensAndCountsTheBuyerWhenTheDatabaseConfirmsOnlyOnce() {
            SaleItem item = openItem(5, 2);
            gate.load(item, snapshot(item, Map.of()));
            var order = confirmed(item, UUID.randomUUID(), "alice", 2);

            gate.confirm(item.id(), List.of(order));
            gate.confirm(item.id(), List.of(order));

            assertThat(gate.tokens(item.id())).contains(3L);
            assertThat(reserve(gate, item, "alice", 1).outcome()).isEqualTo(Outcome.LIMIT_REACHED);
        }

        @Test
        void refusesWhenNoTokensAreLeftAndOutsideTheWindow() {
            SaleItem item = openItem(1, 1);
            SaleItem late =
                    item(10, 1, Instant.now().minusSeconds(120), Instant.now().minusSeconds(60));
            gate.load(item, snapshot(item, Map.of()));
            gate.load(late, snapshot(late, Map.of()));
            gate.confirm(item.id(), List.of(confirmed(item, UUID.randomUUID(), "alice", 1)));

            assertThat(reserve(gate, item, "bob", 1).outcome()).isEqualTo(Outcome.SOLD_OUT);
            assertThat(reserve(gate, late, "bob", 1).outcome()).isEqualTo(Outcome.NOT_OPEN);
        }

        @Test
        void answersAReplayedIdempotencyKeyWithTheFirstOrder() {
            SaleItem item = openItem(10, 1);
            gate.load(item, snapshot(item, Map.of()));
            var first = gate.reserve(item.id(), List.of(UUID.randomUUID()), "alice", 1, Optional.of("k"));

            assertThat(gate.reserve(item.id(), List.of(UUID.randomUUID()), "alice", 1, Optional.of("k"))
                            .orderId())
                    .isEqualTo(first.orderId());
        }
    }

    static SettledOrder confirmed(SaleItem item, UUID orderId, String user, int quantity) {
        return SettledOrder.confirmed(new OrderRequested(orderId, item.id(), user, quantity, Instant.now(), null));
    }
}
