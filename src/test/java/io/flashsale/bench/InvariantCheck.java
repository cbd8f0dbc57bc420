package io.flashsale.bench;

import io.flashsale.admission.gate.GateKeys;
import io.flashsale.support.IsolatedEnvironment;
import io.flashsale.support.SaleInvariants;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Waits until the system is quiet and asserts the five invariants with the project's
 * {@link SaleInvariants}, for each --item with the order ids its --accepted file lists (the orders
 * answered 202). Then writes what the report needs from PostgreSQL: outcomes, when settlement
 * started and ended, and per second of settlement how old orders were when settled.
 */
final class InvariantCheck {

    private InvariantCheck() {}

    static int run(BenchTool.Options options) throws IOException {
        String name = options.name();
        List<String> items = options.all("item");
        List<String> acceptedFiles = options.all("accepted");
        if (items.isEmpty() || items.size() != acceptedFiles.size()) {
            throw new IllegalArgumentException("give one --accepted file per --item");
        }
        Duration timeout = Duration.ofSeconds(options.number("timeout-s", 120));
        var jdbc = JdbcClient.create(new DriverManagerDataSource(IsolatedEnvironment.POSTGRES + name, "postgres", ""));
        var connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        var invariants = new SaleInvariants(jdbc, new StringRedisTemplate(connections), new GateKeys(name));
        Map<String, Object> result = new LinkedHashMap<>();
        boolean allHold = true;
        long started = System.currentTimeMillis();
        try {
            List<Map<String, Object>> perItem = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                long itemId = Long.parseLong(items.get(i));
                Set<UUID> accepted = Files.readAllLines(Path.of(acceptedFiles.get(i))).stream()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty())
                        .map(UUID::fromString)
                        .collect(Collectors.toSet());
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("item", itemId);
                item.put("accepted", accepted.size());
                try {
                    invariants.awaitQuietAndAssert(itemId, accepted, timeout);
                    item.put("invariants", "hold");
                } catch (AssertionError | RuntimeException e) {
                    allHold = false;
                    item.put("invariants", "VIOLATED");
                    item.put(
                            "failure",
                            e.getMessage() == null
                                    ? e.toString()
                                    : e.getMessage().strip());
                }
                item.put("quiet_at_ms", System.currentTimeMillis());
                item.putAll(outcomes(jdbc, itemId));
                perItem.add(item);
                String series = options.get("series-prefix", "");
                if (!series.isEmpty()) {
                    writeSettlementSeries(jdbc, itemId, Path.of(series + itemId + ".csv"));
                }
            }
            result.put("check_started_ms", started);
            result.put("invariants", allHold ? "hold" : "VIOLATED");
            result.put("items", perItem);
        } finally {
            connections.destroy();
        }
        Files.writeString(
                Path.of(options.get("out")), JsonMapper.builder().build().writeValueAsString(result));
        System.out.println("invariants " + (allHold ? "hold" : "VIOLATED") + " (" + options.get("out") + ")");
        return allHold ? 0 : 1;
    }

    private static Map<String, Object> outcomes(JdbcClient jdbc, long itemId) {
        Map<String, Object> outcomes = new LinkedHashMap<>();
        outcomes.putAll(jdbc.sql(
                        """
                        SELECT i.total_stock, i.available, count(o.order_id) AS order_rows,
                               (extract(epoch FROM min(o.settled_at)) * 1000)::bigint AS first_settled_ms,
                               (extract(epoch FROM max(o.settled_at)) * 1000)::bigint AS last_settled_ms,
                               (extract(epoch FROM min(o.created_at)) * 1000)::bigint AS first_created_ms
                        FROM flash_sale_items i LEFT JOIN orders o ON o.item_id = i.id
                        WHERE i.id = ? GROUP BY i.id
                        """)
                .param(itemId)
                .query()
                .singleRow());
        Map<String, Long> byOutcome = new LinkedHashMap<>();
        jdbc.sql(
                        """
                        SELECT status || coalesce('/' || reason, '') AS outcome, count(*) AS orders
                        FROM orders WHERE item_id = ? GROUP BY 1 ORDER BY 1
                        """)
                .param(itemId)
                .query((rs, row) -> byOutcome.put(rs.getString("outcome"), rs.getLong("orders")))
                .list();
        outcomes.put("by_outcome", byOutcome);
        outcomes.put(
                "settle_transactions",
                jdbc.sql("SELECT count(DISTINCT settled_at) FROM orders WHERE item_id = ?")
                        .param(itemId)
                        .query(Long.class)
                        .single());
        return outcomes;
    }

    /** Per second of settled_at: orders settled and their age (settled_at - created_at) percentiles in ms. */
    private static void writeSettlementSeries(JdbcClient jdbc, long itemId, Path csv) throws IOException {
        try (var out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.println("t_s,settled,age_p50_ms,age_p95_ms,age_p99_ms,age_max_ms");
            jdbc.sql(
                            """
                            SELECT extract(epoch FROM date_trunc('second', settled_at))::bigint AS t,
                                   count(*) AS settled,
                                   percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (
                                       ORDER BY extract(epoch FROM settled_at - created_at) * 1000) AS p,
                                   max(extract(epoch FROM settled_at - created_at) * 1000) AS age_max
                            FROM orders WHERE item_id = ? GROUP BY 1 ORDER BY 1
                            """)
                    .param(itemId)
                    .query((rs, row) -> {
                        Double[] p = (Double[]) rs.getArray("p").getArray();
                        out.printf(
                                "%d,%d,%.1f,%.1f,%.1f,%.1f%n",
                                rs.getLong("t"), rs.getLong("settled"), p[0], p[1], p[2], rs.getDouble("age_max"));
                        return row;
                    })
                    .list();
        }
    }
}
