package io.flashsale.bench.chaos;

import io.flashsale.bench.chaos.SaleSetup.Item;
import io.flashsale.support.SaleInvariants;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The five invariants of DESIGN section 5, per item, with the project's {@link SaleInvariants}.
 * Under faults an order may rightly have a row its buyer was never told of (cut off after the
 * publish, withdrawn after an unconfirmed publish), so invariant 3 is checked for the orders
 * answered 202 only, and invariant 5 as "holdings match confirmed orders" (the replays are P3).
 * Invariant 4 is also promise P4. Section 5a's lifecycle adds I6 (each returned unit given back
 * once) and I7 (the standby list served in order); invariant 1 counts CONFIRMED and PAID units, and
 * invariant 3 covers the orders made for standing orders and asks that no CONFIRMED order is past
 * its payment window.
 */
final class ChaosInvariants {

    private final SaleInvariants invariants;

    ChaosInvariants(SaleInvariants invariants) {
        this.invariants = invariants;
    }

    List<Violation> check(List<Item> items, List<Exchange> exchanges) {
        List<Violation> violations = new ArrayList<>();
        for (Item item : items) {
            Set<UUID> accepted = exchanges.stream()
                    .filter(e -> e.isPost() && e.status() == 202 && e.itemId() == item.id() && e.orderId() != null)
                    .map(Exchange::orderId)
                    .collect(Collectors.toCollection(HashSet::new));
            accepted.addAll(invariants.standbyOrders(item.id()));
            String of = " (item " + item.id() + " '" + item.name() + "')";
            holds(violations, "I1", of, () -> invariants.assertNoOversell(item.id()));
            holds(violations, "I2", of, () -> invariants.assertPerUserLimit(item.id()));
            holds(violations, "I3", of, () -> invariants.assertAcceptedSettled(item.id(), accepted));
            holds(violations, "I4/P4", of, () -> invariants.assertGateMatchesDatabase(item.id()));
            holds(violations, "I5", of, () -> invariants.assertHoldingsMatchOrders(item.id()));
            holds(violations, "I6", of, () -> invariants.assertReturnedOnce(item.id()));
            holds(violations, "I7", of, () -> invariants.assertStandbyServedInOrder(item.id()));
        }
        return violations;
    }

    private static void holds(List<Violation> violations, String rule, String of, Runnable assertion) {
        try {
            assertion.run();
        } catch (AssertionError | RuntimeException e) {
            String message = e.getMessage() == null
                    ? e.toString()
                    : e.getMessage().strip().replaceAll("\\s+", " ");
            violations.add(new Violation(rule, message + of, List.of()));
        }
    }
}
