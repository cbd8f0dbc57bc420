package io.flashsale.bench.chaos;

import io.flashsale.support.FlashSaleClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The items the crowd buys, in two sales created and warmed up through the admin API:
 * <ul>
 *   <li>hot: little stock, limit 1 (sells out early, also in a smoke run: refusals, the sold-out
 *       flags, buyers standing by for the units that come back);</li>
 *   <li>multi: limit 3, quantities above 1;</li>
 *   <li>deep: stock that never runs out, so purchases are in flight whenever a fault strikes;</li>
 *   <li>ending: limit 2, in a sale whose end falls inside the run.</li>
 * </ul>
 */
final class SaleSetup {

    /** An item as the crowd sees it. */
    record Item(String name, long id, int stock, int limit, Instant endsAt) {

        boolean hasEnded() {
            return Instant.now().isAfter(endsAt);
        }
    }

    /** An item to create: name, stock, per-user limit. */
    private record Spec(String name, int stock, int limit) {}

    private static final List<Spec> LONG_SALE =
            List.of(new Spec("hot", 12, 1), new Spec("multi", 400, 3), new Spec("deep", 1_000_000, 4));
    private static final List<Spec> ENDING_SALE = List.of(new Spec("ending", 300, 2));

    private SaleSetup() {}

    /** Creates both sales through {@code api}; the short one ends {@code saleEndMs} from now. */
    static List<Item> create(AppMember api, long saleEndMs) {
        var admin = new FlashSaleClient(api.port(), ChaosCluster.ADMIN_TOKEN);
        Instant now = Instant.now();
        List<Item> items =
                new ArrayList<>(createSale(admin, "Chaos sale", now, now.plus(Duration.ofHours(6)), LONG_SALE));
        items.addAll(createSale(admin, "Chaos sale that ends", now, now.plusMillis(saleEndMs), ENDING_SALE));
        return List.copyOf(items);
    }

    /** Creates and warms up one sale (open since a minute ago); returns its items. */
    private static List<Item> createSale(
            FlashSaleClient admin, String name, Instant now, Instant endsAt, List<Spec> specs) {
        List<Map<String, Object>> items = specs.stream()
                .map(spec -> Map.<String, Object>of(
                        "sku",
                        "CHAOS-" + spec.name(),
                        "name",
                        spec.name(),
                        "price",
                        "9.90",
                        "stock",
                        spec.stock(),
                        "perUserLimit",
                        spec.limit()))
                .toList();
        var created = admin.admin(
                "/api/v1/admin/sales",
                AnswerLog.JSON.writeValueAsString(Map.of(
                        "name",
                        name,
                        "startsAt",
                        now.minusSeconds(60).toString(),
                        "endsAt",
                        endsAt.toString(),
                        "items",
                        items)));
        if (created.status() != 201) {
            throw new IllegalStateException("could not create " + name + ": " + created);
        }
        var warmed = admin.warmUp(created.body().path("id").asLong());
        if (warmed.status() / 100 != 2) {
            throw new IllegalStateException("could not warm up " + name + ": " + warmed);
        }
        Map<String, Long> ids = new LinkedHashMap<>();
        created.body()
                .path("items")
                .forEach(item ->
                        ids.put(item.path("name").asString(), item.path("id").asLong()));
        return specs.stream()
                .map(spec -> new Item(spec.name(), ids.get(spec.name()), spec.stock(), spec.limit(), endsAt))
                .toList();
    }
}
