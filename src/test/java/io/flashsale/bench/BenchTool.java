package io.flashsale.bench;

import io.flashsale.shared.OrderQueues;
import io.flashsale.support.IsolatedEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The Java side of {@code bench/run.sh}: state set-up and clean-up, the sampler, the invariants
 * check and the broker ceiling probes, one sub-command each. It reuses the test support
 * ({@link IsolatedEnvironment}, {@link io.flashsale.support.SaleInvariants}) rather than repeating
 * what they know. Run with the test class path, e.g.
 * {@code java -cp ... io.flashsale.bench.BenchTool check --name bench_x --item 2 --accepted a.txt}.
 */
public final class BenchTool {

    private BenchTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        int exit =
                switch (args[0]) {
                    case "create-db" -> {
                        IsolatedEnvironment.createDatabase(options.name());
                        yield 0;
                    }
                    case "cleanup" -> {
                        try {
                            BrokerCeiling.deleteBenchQueues(
                                    options.name(), options.all("queue"), options.all("exchange"));
                        } catch (IOException | TimeoutException e) {
                            // the database and the keys go all the same
                            System.err.println("Could not delete the queues of " + options.name() + ": " + e);
                        }
                        IsolatedEnvironment.removeEverythingOf(options.name(), queues(options.name()));
                        yield 0;
                    }
                    case "tap" -> BrokerCeiling.tap(options.name());
                    case "raw-consume" -> BrokerCeiling.rawConsume(options);
                    case "raw-publish" -> BrokerCeiling.rawPublish(options);
                    case "confirm-probe" -> ConfirmProbe.run(options);
                    case "queue-confirms" -> QueueConfirms.run(options);
                    case "sample" -> Sampler.run(options);
                    case "check" -> InvariantCheck.run(options);
                    default -> {
                        usage();
                        yield 2;
                    }
                };
        System.exit(exit);
    }

    /** The queue names of a deployment whose prefix is {@code name}, with the application's default retry delays. */
    static OrderQueues queues(String name) {
        return new OrderQueues(name, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25)));
    }

    private static void usage() {
        System.err.println(
                """
                usage: BenchTool <command> --name NAME [options]
                  create-db   --name NAME                          create the database NAME
                  cleanup     --name NAME [--queue Q ...] [--exchange E ...]
                                                                   drop database, Redis keys NAME:*, queues and exchanges NAME.*
                                                                   (the app's and the harness's, and the NAME.* ones given)
                  tap         --name NAME                          copy every order message into NAME.bench.tap
                  raw-consume --name NAME --count N --prefetch P   drain N messages of NAME.bench.tap, manual acks
                  raw-publish --name NAME --count N --inflight C   publish N persistent order-sized messages with confirms
                  confirm-probe --name NAME --out F.json --stop-file S [--interval-ms 20]
                                                                   time the broker's confirms of a publisher of the harness's own
                  queue-confirms --name NAME --queues N --out F.json [--rate 800] [--seconds 20] [--warmup-seconds 5] [--pause-seconds 0]
                                                                   time the confirms of persistent messages spread over N queues
                  sample      --name NAME --items 1,2 --out F.csv --stop-file S [--interval-ms 250] [--max-seconds 3600]
                  check       --name NAME --item ID --accepted FILE [--item ID --accepted FILE ...] --out F.json [--timeout-s 120]
                """);
        System.exit(2);
    }

    /** {@code --key value} pairs; a key given several times keeps all its values in order. */
    record Options(Map<String, List<String>> values) {

        static Options parse(String[] args) {
            Map<String, List<String>> values = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected --option, got " + args[i]);
                }
                values.computeIfAbsent(args[i].substring(2), key -> new java.util.ArrayList<>())
                        .add(args[i + 1]);
            }
            return new Options(values);
        }

        String name() {
            return get("name");
        }

        String get(String key) {
            List<String> all = values.get(key);
            if (all == null) {
                throw new IllegalArgumentException("missing --" + key);
            }
            return all.getLast();
        }

        String get(String key, String fallback) {
            return values.containsKey(key) ? get(key) : fallback;
        }

        long number(String key, long fallback) {
            return Long.parseLong(get(key, Long.toString(fallback)));
        }

        List<String> all(String key) {
            return values.getOrDefault(key, List.of());
        }
    }
}
