package io.flashsale.bench.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What buyers were told about payments, cancellations and standing orders (README, "After
 * settlement"), checked against the orders and standby tables once quiet:
 * <ul>
 *   <li>L1: a 200 to a payment: the order is PAID with that reference;</li>
 *   <li>L2: a 409 to a payment: the order was not paid by that call. It may be PAID with that
 *       reference only through another payment with it that was answered 200, or not answered, or
 *       answered 5xx; and none answered 200 before it was sent (the same reference again is the
 *       same payment);</li>
 *   <li>L3: the same for cancellations: a 200 means CANCELLED; a 409 means not cancelled by its
 *       buyer through that call;</li>
 *   <li>L4: a 202 to a standing order names a standing order of that buyer, item and quantity; a
 *       look-up showing it SERVED names the order it was served with; a 200 to its withdrawal
 *       means it ended WITHDRAWN (never served afterwards).</li>
 * </ul>
 */
final class LifecyclePromises {

    /** An order row, as far as these promises care. */
    record Order(String status, String reason, String reference) {}

    /** A standing order row, as far as these promises care. */
    record Standing(long itemId, String userId, int quantity, String status, UUID orderId) {}

    private final List<Exchange> exchanges;
    private final Map<UUID, Order> orders;
    private final Map<UUID, Standing> standing;
    private final List<Violation> violations = new ArrayList<>();

    LifecyclePromises(List<Exchange> exchanges, Map<UUID, Order> orders, Map<UUID, Standing> standing) {
        this.exchanges = exchanges;
        this.orders = orders;
        this.standing = standing;
    }

    /** With the rows of the orders and standby tables once quiet. */
    static LifecyclePromises of(List<Exchange> exchanges, JdbcClient jdbc) {
        Map<UUID, Order> orders = new HashMap<>();
        Map<UUID, Standing> standing = new HashMap<>();
        jdbc.sql("SELECT order_id, status, reason, payment_reference FROM orders")
                .query((rs, n) -> orders.put(
                        rs.getObject("order_id", UUID.class),
                        new Order(rs.getString("status"), rs.getString("reason"), rs.getString("payment_reference"))))
                .list();
        jdbc.sql("SELECT standby_id, item_id, user_id, quantity, status, order_id FROM standby")
                .query((rs, n) -> standing.put(
                        rs.getObject("standby_id", UUID.class),
                        new Standing(
                                rs.getLong("item_id"),
                                rs.getString("user_id"),
                                rs.getInt("quantity"),
                                rs.getString("status"),
                                rs.getObject("order_id", UUID.class))))
                .list();
        return new LifecyclePromises(exchanges, orders, standing);
    }

    List<Violation> check() {
        byOrder("PAY").forEach(this::checkPayments);
        byOrder("CANCEL").forEach(this::checkCancellations);
        checkStandingOrders();
        return violations;
    }

    private void checkPayments(UUID orderId, List<Exchange> payments) {
        Order order = orders.get(orderId);
        for (Exchange payment : payments) {
            boolean paidWithIt = order != null
                    && order.status().equals("PAID")
                    && payment.reference().equals(order.reference());
            List<Exchange> sameReference = payments.stream()
                    .filter(other -> other != payment && other.reference().equals(payment.reference()))
                    .toList();
            if (payment.status() == 200 && !paidWithIt) {
                add(
                        "L1",
                        "payment " + payment.reference() + " of order " + orderId + " was answered 200 by "
                                + payment.api() + " at " + payment.answeredMs() + " ms, but the order is "
                                + describe(order),
                        payment.id());
            } else if (payment.status() == 409
                    && paidWithIt
                    && sameReference.stream().noneMatch(this::mayHaveDone)) {
                add(
                        "L2",
                        "payment " + payment.reference() + " of order " + orderId + " was answered 409 "
                                + payment.code()
                                + " by " + payment.api() + " at " + payment.answeredMs()
                                + " ms, but the order is PAID with that"
                                + " reference and no other payment with it was answered 200 or left without an answer",
                        payment.id());
            } else if (payment.status() == 409
                    && sameReference.stream()
                            .anyMatch(other -> other.status() == 200 && other.answeredMs() < payment.sentMs())) {
                add(
                        "L2",
                        "payment " + payment.reference() + " of order " + orderId + " was answered 409 "
                                + payment.code() + " after the same reference had been answered 200",
                        ids(payments));
            }
        }
    }

    private void checkCancellations(UUID orderId, List<Exchange> cancellations) {
        Order order = orders.get(orderId);
        boolean cancelledByBuyer =
                order != null && order.status().equals("CANCELLED") && "BUYER_CANCELLED".equals(order.reason());
        for (Exchange cancellation : cancellations) {
            List<Exchange> others = cancellations.stream()
                    .filter(other -> other != cancellation)
                    .toList();
            if (cancellation.status() == 200
                    && (order == null || !order.status().equals("CANCELLED"))) {
                add(
                        "L3",
                        "cancellation of order " + orderId + " was answered 200 by " + cancellation.api() + " at "
                                + cancellation.answeredMs() + " ms, but the order is " + describe(order),
                        cancellation.id());
            } else if (cancellation.status() == 409
                    && cancelledByBuyer
                    && others.stream().noneMatch(this::mayHaveDone)) {
                add(
                        "L3",
                        "cancellation of order " + orderId + " was answered 409 " + cancellation.code() + " by "
                                + cancellation.api()
                                + ", but the order is CANCELLED/BUYER_CANCELLED and no other cancellation"
                                + " of it was answered 200 or left without an answer",
                        cancellation.id());
            } else if (cancellation.status() == 409
                    && others.stream()
                            .anyMatch(other -> other.status() == 200 && other.answeredMs() < cancellation.sentMs())) {
                add(
                        "L3",
                        "cancellation of order " + orderId + " was answered 409 " + cancellation.code()
                                + " after an earlier cancellation of it had been answered 200",
                        ids(cancellations));
            }
        }
    }

    private void checkStandingOrders() {
        for (Exchange exchange : exchanges) {
            Standing row = exchange.standbyId() == null ? null : standing.get(exchange.standbyId());
            if (exchange.method().equals("STANDBY")
                    && exchange.status() == 202
                    && (row == null
                            || row.itemId() != exchange.itemId()
                            || !row.userId().equals(exchange.userId())
                            || row.quantity() != exchange.quantity())) {
                add(
                        "L4",
                        "standing order " + exchange.standbyId() + " answered 202 to buyer " + exchange.userId()
                                + " (item " + exchange.itemId() + ", quantity " + exchange.quantity() + ") is " + row,
                        exchange.id());
            } else if (exchange.method().equals("STANDING")
                    && exchange.status() == 200
                    && "SERVED".equals(exchange.state())
                    && (row == null || !Objects.equals(row.orderId(), exchange.orderId()))) {
                add(
                        "L4",
                        "standing order " + exchange.standbyId() + " was shown SERVED with order " + exchange.orderId()
                                + " but is " + row,
                        exchange.id());
            } else if (exchange.method().equals("WITHDRAW")
                    && exchange.status() == 200
                    && (row == null || !row.status().equals("WITHDRAWN"))) {
                add(
                        "L4",
                        "withdrawal of standing order " + exchange.standbyId() + " was answered 200, but it is " + row,
                        exchange.id());
            }
        }
    }

    /** A request that may have done what it asked: answered 200, or not answered, or answered 5xx. */
    private boolean mayHaveDone(Exchange exchange) {
        return exchange.status() == 200 || exchange.worthRetrying();
    }

    private Map<UUID, List<Exchange>> byOrder(String method) {
        return exchanges.stream()
                .filter(e -> e.method().equals(method) && e.orderId() != null)
                .collect(Collectors.groupingBy(Exchange::orderId));
    }

    private static String describe(Order order) {
        return order == null
                ? "without a row"
                : order.status()
                        + (order.reason() == null ? "" : "/" + order.reason())
                        + (order.reference() == null ? "" : " (reference " + order.reference() + ")");
    }

    private static Long[] ids(List<Exchange> exchanges) {
        return exchanges.stream().map(Exchange::id).limit(12).toArray(Long[]::new);
    }

    private void add(String rule, String what, Long... requests) {
        violations.add(new Violation(rule, what, List.of(requests)));
    }
}
