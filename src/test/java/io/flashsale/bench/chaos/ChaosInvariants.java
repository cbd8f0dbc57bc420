package io.flashsale.bench.chaos;

import io.flashsale.bench.chaos.SaleSetup.Item;
import io.flashsale.support.SaleInvariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The five invariants of DESIGN section 5, per item, with the project's {@link SaleInvariants}.
 * Under faults an order may rightly have a row its buyer was never told of (cut off after the
 * publish, withdrawn after an unconfirmed publish), so invariant 3 is checked for the orders
 * answered 202 only, and invariant 5 as "holdings match confirmed orders" (the replays are P3).
 * Invariant 4 is also promise P4.
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
                    .collect(Collectors.toSet());
            String of = " (item " + item.id() + " '" + item.name() + "')";
            holds(violations, "I1", of, () -> invariants.assertNoOversell(item.id()));
            holds(violations, "I2", of, () -> invariants.assertPerUserLimit(item.id()));
            holds(violations, "I3", of, () -> invariants.assertAcceptedSettled(item.id(), accepted));
            holds(violations, "I4/P4", of, () -> invariants.assertGateMatchesDatabase(item.id()));
            holds(violations, "I5", of, () -> invariants.assertHoldingsMatchOrders(item.id()));
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
