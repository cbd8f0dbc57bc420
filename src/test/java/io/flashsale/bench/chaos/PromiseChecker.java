package io.flashsale.bench.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Checks what the buyers were told against what happened (DESIGN section 5, P1, P2, P3, P5; P4 is
 * checked with the invariants), from the answer log and, once quiet, the orders table.
 */
final class PromiseChecker {

    /** An order row, as far as the promises care. */
    record Row(UUID orderId, long itemId, String userId, int quantity, String status, String reason) {}

    /** The statuses of orders that were CONFIRMED once. */
    private static final Set<String> HELD_UNITS = Set.of("CONFIRMED", "PAID", "CANCELLED");

    private final List<Exchange> exchanges;
    private final Map<UUID, Row> rows;
    /** Orders made for standing orders: no purchase names them (the standing order's look-up does). */
    private final Set<UUID> standbyOrders;

    private final List<Violation> violations = new ArrayList<>();
    private int unknownOutcomes;

    PromiseChecker(List<Exchange> exchanges, JdbcClient jdbc) {
        this.exchanges = exchanges;
        this.rows = new HashMap<>();
        jdbc.sql("SELECT order_id, item_id, user_id, quantity, status, reason FROM orders")
                .query((rs, n) -> new Row(
                        rs.getObject("order_id", UUID.class),
                        rs.getLong("item_id"),
                        rs.getString("user_id"),
                        rs.getInt("quantity"),
                        rs.getString("status"),
                        rs.getString("reason")))
                .list()
                .forEach(row -> rows.put(row.orderId(), row));
        this.standbyOrders = Set.copyOf(jdbc.sql("SELECT order_id FROM standby WHERE order_id IS NOT NULL")
                .query(UUID.class)
                .list());
    }

    List<Violation> check() {
        checkAcceptedOrdersAreReadable();
        checkConfirmedOrdersWereNamed();
        checkReplaysAndOwners();
        checkNoServerErrors();
        return violations;
    }

    /**
     * Confirmed orders named by no answer, whose buyer's last request for that item and quantity
     * got no answer at all: the buyer cannot know, and no promise covers that (only a key and a
     * retry would have told them).
     */
    int unknownOutcomes() {
        return unknownOutcomes;
    }

    /** P1: every 202's order was readable by the GET right after it, and has a row once quiet. */
    private void checkAcceptedOrdersAreReadable() {
        Map<Long, List<Exchange>> lookUps = exchanges.stream()
                .filter(e -> !e.isPost() && e.follows() > 0)
                .collect(Collectors.groupingBy(Exchange::follows));
        for (Exchange accepted : accepted()) {
            for (Exchange lookUp : lookUps.getOrDefault(accepted.id(), List.of())) {
                if (lookUp.status() == 404) {
                    add(
                            "P1",
                            "order " + accepted.orderId() + " answered 202 by " + accepted.api() + " at "
                                    + accepted.answeredMs()
                                    + " ms; GET on " + lookUp.api() + " right after answered 404"
                                    + rowNote(accepted.orderId()),
                            accepted.id(),
                            lookUp.id());
                } else if (lookUp.status() == 200 && !Objects.equals(lookUp.ownerId(), accepted.userId())) {
                    add(
                            "P3",
                            "order " + accepted.orderId() + " answered 202 to buyer " + accepted.userId()
                                    + " but GET shows it belongs to " + lookUp.ownerId(),
                            accepted.id(),
                            lookUp.id());
                }
            }
            if (!rows.containsKey(accepted.orderId())) {
                add(
                        "P1",
                        "order " + accepted.orderId() + " answered 202 (buyer " + accepted.userId() + ", item "
                                + accepted.itemId() + ") has no row in orders once quiet",
                        accepted.id());
            }
        }
    }

    /**
     * P2: an order that held units (CONFIRMED, then maybe PAID or CANCELLED) was named to its buyer
     * by some answer, unless the buyer never got one. Orders made for standing orders aside.
     */
    private void checkConfirmedOrdersWereNamed() {
        // who was told of which order: a 202's orderId, or a problem body's orderId property
        Set<String> named = exchanges.stream()
                .filter(e -> e.isPost() && e.answered() && e.orderId() != null)
                .map(e -> e.orderId() + "|" + e.userId())
                .collect(Collectors.toSet());
        Map<String, List<Exchange>> postsByPurchase = exchanges.stream()
                .filter(Exchange::isPost)
                .collect(Collectors.groupingBy(e -> purchase(e.userId(), e.itemId(), e.quantity())));
        for (Row row : rows.values()) {
            if (!HELD_UNITS.contains(row.status())
                    || named.contains(row.orderId() + "|" + row.userId())
                    || standbyOrders.contains(row.orderId())) {
                continue;
            }
            List<Exchange> posts =
                    postsByPurchase.getOrDefault(purchase(row.userId(), row.itemId(), row.quantity()), List.of());
            Map<Long, List<Exchange>> chains = posts.stream().collect(Collectors.groupingBy(Exchange::chain));
            boolean someChainEndedUnanswered = chains.values().stream()
                    .filter(chain -> chain.stream().noneMatch(e -> e.status() == 202))
                    .map(chain -> chain.stream()
                            .max(Comparator.comparingInt(Exchange::attempt))
                            .orElseThrow())
                    .anyMatch(last -> !last.answered());
            if (someChainEndedUnanswered) {
                unknownOutcomes++;
                continue;
            }
            List<Long> told = posts.stream()
                    .filter(Exchange::answered)
                    .map(Exchange::id)
                    .limit(12)
                    .toList();
            String answers = posts.stream()
                    .filter(Exchange::answered)
                    .limit(12)
                    .map(e -> "#" + e.id() + " " + e.status() + (e.code() == null ? "" : " " + e.code())
                            + (e.status() == 202 ? " naming " + e.orderId() : ""))
                    .collect(Collectors.joining(", "));
            add(
                    "P2",
                    row.status() + " order " + row.orderId() + " (buyer " + row.userId() + ", item " + row.itemId()
                            + ", quantity "
                            + row.quantity() + ") was named by no answer; that buyer's requests for it were answered: "
                            + (answers.isEmpty() ? "(none sent)" : answers),
                    told.toArray(Long[]::new));
        }
    }

    /** P3: a replay with the same key names the first 202's order; no order is named to two buyers. */
    private void checkReplaysAndOwners() {
        Map<Long, List<Exchange>> chains =
                accepted().stream().filter(e -> e.key() != null).collect(Collectors.groupingBy(Exchange::chain));
        chains.forEach((chain, answers) -> {
            Set<UUID> orders = answers.stream().map(Exchange::orderId).collect(Collectors.toCollection(TreeSet::new));
            if (orders.size() > 1) {
                add(
                        "P3",
                        "Idempotency-Key " + answers.getFirst().key() + " of buyer "
                                + answers.getFirst().userId() + " was answered 202 with different orders " + orders,
                        ids(answers));
            }
        });
        Map<UUID, List<Exchange>> namings = exchanges.stream()
                .filter(e -> e.isPost() && e.answered() && e.orderId() != null)
                .collect(Collectors.groupingBy(Exchange::orderId, LinkedHashMap::new, Collectors.toList()));
        namings.forEach((order, answers) -> {
            Set<String> buyers = answers.stream().map(Exchange::userId).collect(Collectors.toCollection(TreeSet::new));
            if (buyers.size() > 1) {
                add(
                        "P3",
                        "order " + order + " was named to " + buyers.size() + " buyers " + buyers + " (keys "
                                + answers.stream().map(Exchange::key).distinct().toList() + ")" + rowNote(order),
                        ids(answers));
            }
        });
    }

    /** P5: no 5xx but 503. A request that got no answer (process down) is not an answer. */
    private void checkNoServerErrors() {
        for (Exchange exchange : exchanges) {
            if (exchange.status() >= 500 && exchange.status() != 503) {
                add(
                        "P5",
                        exchange.method() + " to " + exchange.api() + " answered " + exchange.status() + ": "
                                + exchange.body(),
                        exchange.id());
            }
        }
    }

    private List<Exchange> accepted() {
        return exchanges.stream()
                .filter(e -> e.isPost() && e.status() == 202 && e.orderId() != null)
                .toList();
    }

    private String rowNote(UUID orderId) {
        Row row = rows.get(orderId);
        return row == null
                ? " (no row)"
                : " (row: " + row.status() + (row.reason() == null ? "" : "/" + row.reason()) + ", buyer "
                        + row.userId() + ")";
    }

    private static String purchase(String userId, long itemId, int quantity) {
        return userId + "|" + itemId + "|" + quantity;
    }

    private static Long[] ids(List<Exchange> exchanges) {
        return exchanges.stream().map(Exchange::id).limit(12).toArray(Long[]::new);
    }

    private void add(String rule, String what, Long... requests) {
        violations.add(new Violation(rule, what, List.of(requests)));
    }
}
