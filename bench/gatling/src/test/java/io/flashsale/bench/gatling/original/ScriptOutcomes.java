package io.flashsale.bench.gatling.original;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one script saw: answers by HTTP status and by the body's {@code status}, each k6 check's
 * passes and fails, and the orders answered {@code queued} ({@code <order id> buyer|force-fail}).
 * Also hands out k6's virtual-user numbers: a Gatling user is one k6 iteration, so it takes the
 * lowest free number and that number's iteration count, as a k6 virtual user would have.
 */
final class ScriptOutcomes {

    private static final Pattern STATUS = Pattern.compile("\"status\":\"([^\"]*)\"");
    private static final Pattern ORDER_ID = Pattern.compile("\"order_id\":\"([^\"]+)\"");

    private final OriginalScript script;
    private final PriorityBlockingQueue<Integer> freeVus = new PriorityBlockingQueue<>();
    private final AtomicInteger vus = new AtomicInteger();
    private final Map<Integer, AtomicLong> iterations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Queue<String> queued = new ConcurrentLinkedQueue<>();
    /** Answers by response time in whole milliseconds, the last slot for a minute and more. */
    private final AtomicLongArray millis = new AtomicLongArray(60_001);

    ScriptOutcomes(OriginalScript script) {
        this.script = script;
    }

    int startIteration() {
        Integer free = freeVus.poll();
        return free != null ? free : vus.incrementAndGet();
    }

    long iteration(int vu) {
        return iterations.computeIfAbsent(vu, any -> new AtomicLong()).get();
    }

    void endIteration(int vu) {
        iterations.get(vu).incrementAndGet();
        freeVus.add(vu);
    }

    void record(String userId, int status, String body, int responseMs) {
        count("requests");
        if (responseMs >= 0) {
            millis.incrementAndGet(Math.min(responseMs, millis.length() - 1));
        }
        count("http " + (status == 0 ? "no answer" : status));
        Matcher answer = STATUS.matcher(body);
        if (answer.find()) {
            count("status " + answer.group(1));
        }
        for (OriginalScript.Check check : script.checks()) {
            count("check " + check.name() + (check.test().passes(status, body) ? " pass" : " fail"));
        }
        Matcher order = ORDER_ID.matcher(body);
        if (status == 200 && body.contains("\"queued\"") && order.find()) {
            queued.add(order.group(1) + (userId.equals("force-fail") ? " force-fail" : " buyer"));
        }
    }

    /** Nearest rank over the answers (whole milliseconds, as Gatling measures them). */
    private long percentile(int percentile) {
        long total = 0;
        for (int i = 0; i < millis.length(); i++) {
            total += millis.get(i);
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < millis.length(); i++) {
            seen += millis.get(i);
            if (seen >= rank && total > 0) {
                return i;
            }
        }
        return -1;
    }

    private void count(String key) {
        counts.computeIfAbsent(key, any -> new LongAdder()).increment();
    }

    /** Prints the checks as k6 does, and writes {@code <name>.json} and {@code <name>-orders.txt} to dir (if set). */
    void report(String dir) {
        var sorted = new TreeMap<String, Long>();
        counts.forEach((key, count) -> sorted.put(key, count.sum()));
        for (int percentile : new int[] {50, 90, 95, 99}) {
            sorted.put("p" + percentile + " ms", percentile(percentile));
        }
        var text = new StringBuilder("\n== original script '" + script.name() + "': " + sorted.getOrDefault("requests", 0L)
                + " requests, virtual users numbered up to " + vus.get() + "\n");
        for (OriginalScript.Check check : script.checks()) {
            long pass = sorted.getOrDefault("check " + check.name() + " pass", 0L);
            long fail = sorted.getOrDefault("check " + check.name() + " fail", 0L);
            text.append(String.format("   %s %s%n      %d passed, %d failed%n", fail == 0 ? "✓" : "✗", check.name(), pass, fail));
        }
        sorted.forEach((key, count) -> {
            if (!key.startsWith("check ")) {
                text.append("   ").append(key).append(": ").append(count).append('\n');
            }
        });
        System.out.println(text);
        if (dir.isEmpty()) {
            return;
        }
        String json = sorted.entrySet().stream().map(entry -> "\"" + entry.getKey().replace("\"", "\\\"") + "\":" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        try {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, script.name() + ".json"), json);
            Files.write(Path.of(dir, script.name() + "-orders.txt"), queued);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
