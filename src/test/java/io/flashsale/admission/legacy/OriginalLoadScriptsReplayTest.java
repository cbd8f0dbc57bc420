package io.flashsale.admission.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleInvariants;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The original system's five k6 scripts, replayed by their Gatling twins (bench/gatling,
 * OriginalScriptsSimulation) against this application, unchanged but for the base URL, each stage
 * ten times shorter (every stage at least 1 s: about 15 s of load on 127.0.0.1). The fault-injection
 * profile is on, so force-fail behaves as it did there. Asserted: the scripts' failed-request
 * thresholds (by Gatling's exit status) and what their checks say of this facade (every answer 200,
 * no 404, 409 or 429), the original's result semantics read back on the result route, and the five
 * invariants. The p95 thresholds are reported, not asserted: timings on a shared machine are
 * bench/showcase.sh's business.
 */
@FailureScenario
// Off in ./mvnw verify: the chain of five scripts has hung in Gatling between two populations
// (no user active, the next never starting) in three runs of the merged build; run it with
// FLASHSALE_REPLAY_TEST=1 ./mvnw test -Dtest=OriginalLoadScriptsReplayTest
@EnabledIfEnvironmentVariable(named = "FLASHSALE_REPLAY_TEST", matches = "1")
class OriginalLoadScriptsReplayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> SCRIPTS = List.of("showcase", "duplicate", "load", "precheck", "stress");

    @LocalServerPort
    int port;

    @Autowired
    RedisGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path out;

    @Test
    void theOriginalScriptsRunUnchangedAgainstTheFacadeAndKeepEveryInvariant() throws Exception {
        var client = new FlashSaleClient(port, FlashSaleIntegrationTest.ADMIN_TOKEN);
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), 200_000, 1, "1001");
        assertThat(client.post(
                                "/admin/flashsales/" + item.saleId() + "/warmup",
                                null,
                                "Authorization",
                                "Bearer " + FlashSaleIntegrationTest.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        int exit = runGatling();

        assertThat(exit)
                .as(
                        "Gatling's exit status (its assertions are the scripts' failed-request thresholds); see %s",
                        out.resolve("gatling.txt"))
                .isZero();
        for (String script : SCRIPTS) {
            JsonNode seen =
                    JSON.readTree(out.resolve("outcomes/" + script + ".json").toFile());
            long requests = seen.path("requests").asLong();
            assertThat(requests).as("%s: requests", script).isPositive();
            assertThat(seen.path("http 200").asLong())
                    .as("%s: every answer 200, as the original's code answered: %s", script, seen)
                    .isEqualTo(requests);
        }
        JsonNode showcase = JSON.readTree(out.resolve("outcomes/showcase.json").toFile());
        assertThat(showcase.path("check accepted (200) pass").asLong())
                .isEqualTo(showcase.path("requests").asLong());
        // how many iterations each virtual user makes depends on the machine; what they are answered does not
        assertThat(statusesOf(showcase).keySet())
                .as("the showcase's answers")
                .isSubsetOf("status queued", "status USER_ALREADY_PURCHASED")
                .contains("status queued");
        assertThat(statusesOf(JSON.readTree(
                                out.resolve("outcomes/precheck.json").toFile()))
                        .keySet())
                .containsOnly("status STOCK_NOT_FOUND");

        List<UUID> buyers = new ArrayList<>();
        List<UUID> forceFail = new ArrayList<>();
        for (String script : SCRIPTS) {
            for (String line : Files.readAllLines(out.resolve("outcomes/" + script + "-orders.txt"))) {
                String[] order = line.split(" ");
                (order[1].equals("force-fail") ? forceFail : buyers).add(UUID.fromString(order[0]));
            }
        }
        assertThat(forceFail).as("force-fail's orders, every one admitted").isNotEmpty();
        List<UUID> all = new ArrayList<>(buyers);
        all.addAll(forceFail);
        new SaleInvariants(jdbc, redis, gate.keys()).awaitQuietAndAssert(item.itemId(), all, Duration.ofMinutes(3));

        for (UUID order : sample(buyers)) {
            assertThat(client.get("/flashsale/result/" + order)
                            .body()
                            .path("Status")
                            .asString())
                    .isEqualTo("success");
        }
        for (UUID order : sample(forceFail)) {
            assertThat(client.get("/flashsale/result/" + order)
                            .body()
                            .path("Status")
                            .asString())
                    .isEqualTo("failed");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.post("/flashsale/stock/1001", null)
                        .body()
                        .path("stock")
                        .asLong())
                .as("force-fail's units given back")
                .isEqualTo(200_000L - buyers.size()));
    }

    private int runGatling() throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        var command = List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-f",
                root.resolve("bench/gatling/pom.xml").toString(),
                "test-compile",
                "gatling:test",
                "-Dgatling.simulationClass=io.flashsale.bench.gatling.original.OriginalScriptsSimulation",
                "-DbaseUrl=http://127.0.0.1:" + port,
                "-DtimeScale=0.1",
                "-DenforceLatency=false",
                "-DoutDir=" + out.resolve("outcomes"),
                "-Dgatling.resultsFolder=" + out.resolve("gatling"));
        // Seen once in a full build on a loaded machine: the chain stopped after its first script
        // with no user active, and Gatling never ended. A run that hangs is killed and made again.
        Process gatling = null;
        for (int attempt = 1; attempt <= 2 && gatling == null; attempt++) {
            deleteRecursively(out.resolve("outcomes"));
            Process started = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve("gatling.txt").toFile())
                    .start();
            if (started.waitFor(5, TimeUnit.MINUTES)) {
                gatling = started;
            } else {
                started.descendants().forEach(ProcessHandle::destroyForcibly);
                started.destroyForcibly();
                System.out.println("Gatling did not finish within 5 minutes (try " + attempt + ")");
            }
        }
        if (gatling == null) {
            throw new AssertionError("Gatling did not finish twice; see " + out.resolve("gatling.txt"));
        }
        System.out.println(Files.readString(out.resolve("gatling.txt"))
                .lines()
                .filter(line -> !line.startsWith("[INFO]") && !line.startsWith("[WARNING]"))
                .reduce("", (a, b) -> a + "\n" + b));
        return gatling.exitValue();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path :
                        paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static Map<String, Long> statusesOf(JsonNode outcome) {
        var statuses = new TreeMap<String, Long>();
        outcome.properties().forEach(entry -> {
            if (entry.getKey().startsWith("status ")) {
                statuses.put(entry.getKey(), entry.getValue().asLong());
            }
        });
        return statuses;
    }

    private static List<UUID> sample(List<UUID> orders) {
        return orders.subList(0, Math.min(50, orders.size()));
    }
}
