package io.flashsale.admission.gate;

import io.flashsale.admission.gate.GateReturns.StandingOrder;
import io.flashsale.orders.SettledOrder;
import io.flashsale.sale.SaleItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The gate's Lua scripts under {@code resources/redis} and the arguments each is called with, in
 * the order the script reads them (its header says what each one is).
 */
final class GateScripts {

    static final RedisScript<List> RESERVE = read("reserve", List.class);
    static final RedisScript<List> RELEASE = read("release", List.class);
    static final RedisScript<Long> CONFIRM = read("confirm", Long.class);
    static final RedisScript<Long> LOAD = read("load", Long.class);
    static final RedisScript<Long> REPAIR = read("repair", Long.class);
    static final RedisScript<List> RESTOCK = read("restock", List.class);

    private GateScripts() {}

    /**
     * reserve.lua: the mode, the first attempt's order id, buyer, units, the reservation's and the
     * Idempotency-Key's time to live, then (with a key) the further attempts.
     */
    static List<String> reserveArguments(
            GateMode mode,
            List<UUID> attempts,
            String userId,
            int quantity,
            AdmissionProperties settings,
            boolean withIdempotencyKey) {
        List<String> args = new ArrayList<>(List.of(
                mode.scriptArgument(),
                attempts.getFirst().toString(),
                userId,
                Integer.toString(quantity),
                Long.toString(settings.reservation().ttl().toMillis()),
                Long.toString(settings.gate().idempotencyTtl().toMillis())));
        if (withIdempotencyKey) {
            attempts.stream().skip(1).forEach(attempt -> args.add(attempt.toString()));
        }
        return args;
    }

    /** confirm.lua: the mode, then id, buyer and units of each order. */
    static List<String> confirmArguments(GateMode mode, Collection<SettledOrder> orders) {
        List<String> args = new ArrayList<>(1 + 3 * orders.size());
        args.add(mode.scriptArgument());
        orders.forEach(order -> addOrder(args, order.orderId(), order.userId(), order.quantity()));
        return args;
    }

    /**
     * restock.lua: the reservation's time to live, the number of cancelled orders, then id, buyer
     * and units of each cancelled order, then of each standing order, oldest first.
     */
    static List<String> restockArguments(
            Duration reservationTtl, Collection<SettledOrder> cancelled, List<StandingOrder> standing) {
        List<String> args = new ArrayList<>(2 + 3 * (cancelled.size() + standing.size()));
        args.add(Long.toString(reservationTtl.toMillis()));
        args.add(Integer.toString(cancelled.size()));
        cancelled.forEach(order -> addOrder(args, order.orderId(), order.userId(), order.quantity()));
        standing.forEach(order -> addOrder(args, order.orderId(), order.userId(), order.quantity()));
        return args;
    }

    /** load.lua: the window, the limit, the counts, then the holdings and the lists of orders. */
    static List<String> loadArguments(SaleItem item, GateSnapshot snapshot) {
        List<String> args = new ArrayList<>(7
                + 2 * snapshot.holdings().size()
                + snapshot.confirmedOrders().size()
                + snapshot.withdrawnOrders().size()
                + snapshot.returnedOrders().size());
        args.add(Long.toString(item.startsAt().toEpochMilli()));
        args.add(Long.toString(item.endsAt().toEpochMilli()));
        args.add(Integer.toString(item.perUserLimit()));
        args.add(Integer.toString(snapshot.available()));
        args.add(Integer.toString(snapshot.holdings().size()));
        args.add(Integer.toString(snapshot.confirmedOrders().size()));
        args.add(Integer.toString(snapshot.withdrawnOrders().size()));
        addHoldings(args, snapshot);
        snapshot.confirmedOrders().forEach(orderId -> args.add(orderId.toString()));
        snapshot.withdrawnOrders().forEach(orderId -> args.add(orderId.toString()));
        snapshot.returnedOrders().forEach(orderId -> args.add(orderId.toString()));
        return args;
    }

    /** repair.lua: the tokens measured, PostgreSQL's count of confirmed orders and available units, its holdings. */
    static List<String> repairArguments(long measuredTokens, GateSnapshot truth) {
        List<String> args = new ArrayList<>(3 + 2 * truth.holdings().size());
        args.add(Long.toString(measuredTokens));
        args.add(Integer.toString(truth.confirmedOrders().size()));
        args.add(Integer.toString(truth.available()));
        addHoldings(args, truth);
        return args;
    }

    private static void addOrder(List<String> args, UUID orderId, String userId, int quantity) {
        args.add(orderId.toString());
        args.add(userId);
        args.add(Integer.toString(quantity));
    }

    private static void addHoldings(List<String> args, GateSnapshot snapshot) {
        snapshot.holdings().forEach((user, units) -> {
            args.add(user);
            args.add(Integer.toString(units));
        });
    }

    /**
     * The script's text, read once. A script made from the resource itself checks the resource for
     * changes on every call, which inside the jar costs more CPU than the Redis round trip (ADR 0008).
     */
    @SuppressWarnings("unchecked")
    private static <T> RedisScript<T> read(String verb, Class<?> resultType) {
        try {
            String text = new ClassPathResource("redis/" + verb + ".lua").getContentAsString(StandardCharsets.UTF_8);
            return (RedisScript<T>) RedisScript.of(text, resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the gate's " + verb + " script", e);
        }
    }
}
