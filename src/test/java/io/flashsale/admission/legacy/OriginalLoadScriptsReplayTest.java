package io.flashsale.admission.legacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flashsale.support.FailureScenario;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The original system's five k6 scripts, replayed by their Gatling twins (bench/gatling,
 * OriginalScriptsSimulation, one Gatling run per script) against this application, unchanged but for the base URL, each stage
 * ten times shorter (every stage at least 1 s: about 15 s of load on 127.0.0.1). The fault-injection
 * profile is on, so force-fail behaves as it did there. Asserted: the scripts' failed-request
 * thresholds (by Gatling's exit status) and what their checks say of this facade (every answer 200,
 * no 404, 409 or 429), the original's result semantics read back on the result route, and the five
 * invariants. The p95 thresholds are reported, not asserted: timings on a shared machine are
 * bench/showcase.sh's business.
 */
@FailureScenario
class OriginalLoadScriptsReplayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> SCRIPTS = List.of("showcase", "duplicate", "load", "precheck", "stress");

    @LocalServerPort
    int port;

    @Autowired
    SaleFixture fixture;

    @TempDir
    Path out;

    @Test
    void theOriginalScriptsRunUnchangedAgainstTheFacadeAndKeepEveryInvariant() throws Exception {
        var client = fixture.client();
        CreatedItem item =
                client.createSale(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), 200_000, 1, "1001");
        assertThat(client.post(
                                "/admin/flashsales/" + item.saleId() + "/warmup",
                                null,
                                "Authorization",
                                "Bearer " + FlashSaleIntegrationTest.ADMIN_TOKEN)
                        .status())
                .isEqualTo(200);

        for (String script : SCRIPTS) {
            assertThat(runGatling(script))
                    .as(
                            "Gatling's exit status (its assertions are the script's failed-request thresholds); see %s",
                            out.resolve("gatling-" + script + ".txt"))
                    .isZero();
        }
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
        fixture.invariants().awaitQuietAndAssert(item.itemId(), all, Duration.ofMinutes(3));

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

    /**
     * One Gatling run: the script's single population, so that no chain of populations is involved
     * (a chain of all five hung between two of them in three runs; a run of one never did). A run
     * that does not end within 5 minutes is killed and made once more.
     */
    private int runGatling(String script) throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        Path log = out.resolve("gatling-" + script + ".txt");
        var command = List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-q",
                "-f",
                root.resolve("bench/gatling/pom.xml").toString(),
                "test-compile",
                "gatling:test",
                "-Dgatling.simulationClass=io.flashsale.bench.gatling.original.OriginalScriptsSimulation",
                "-Dscripts=" + script,
                "-DbaseUrl=http://127.0.0.1:" + port,
                "-DtimeScale=0.1",
                "-DenforceLatency=false",
                "-DoutDir=" + out.resolve("outcomes"),
                "-Dgatling.resultsFolder=" + out.resolve("gatling"));
        for (int attempt = 1; attempt <= 2; attempt++) {
            Files.deleteIfExists(out.resolve("outcomes/" + script + ".json"));
            Files.deleteIfExists(out.resolve("outcomes/" + script + "-orders.txt"));
            Process gatling = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (gatling.waitFor(5, TimeUnit.MINUTES)) {
                System.out.println(Files.readString(log)
                        .lines()
                        .filter(line -> !line.startsWith("[INFO]") && !line.startsWith("[WARNING]"))
                        .reduce("", (a, b) -> a + "\n" + b));
                return gatling.exitValue();
            }
            gatling.descendants().forEach(ProcessHandle::destroyForcibly);
            gatling.destroyForcibly();
            System.out.println("Gatling (" + script + ") did not finish within 5 minutes (try " + attempt + ")");
        }
        throw new AssertionError("Gatling (" + script + ") did not finish twice; see " + log);
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
