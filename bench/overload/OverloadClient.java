import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of {@code bench/run.sh overload}, which compiles it with javac and runs it.
 *
 *   closed URL ITEM SECONDS CONCURRENCY TAG   as many purchases as CONCURRENCY callers can make
 *   open   URL ITEM SECONDS RATE TAG          RATE purchases a second on a fixed schedule
 *
 * Open loop: each request is sent at its scheduled time whether or not earlier ones were answered,
 * and its latency is counted from that scheduled time, so a slow server cannot slow the load down
 * and hide its own queueing (no coordinated omission). Every purchase is by a buyer of its own.
 * Prints one line of key=value figures; latencies in milliseconds, of the answers of each kind.
 */
public class OverloadClient {

    static final int MAX_IN_FLIGHT = 20_000;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        long item = Long.parseLong(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int level = Integer.parseInt(args[4]);
        String tag = args[5];

        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        int capacity = mode.equals("open") ? level * seconds + 16 : 2_000_000;
        long[] latencyNanos = new long[capacity];
        int[] statuses = new int[capacity];
        var sent = new AtomicInteger();
        var dropped = new AtomicInteger();
        var inFlight = new Semaphore(MAX_IN_FLIGHT);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            if (mode.equals("closed")) {
                for (int caller = 0; caller < level; caller++) {
                    executor.submit(() -> {
                        while (System.nanoTime() < end) {
                            int n = sent.getAndIncrement();
                            if (n >= capacity) {
                                return;
                            }
                            long begun = System.nanoTime();
                            statuses[n] = purchase(http, url, item, tag + "-" + n);
                            latencyNanos[n] = System.nanoTime() - begun;
                        }
                    });
                }
            } else {
                long interval = TimeUnit.SECONDS.toNanos(1) / level;
                for (long due = start; due < end; due += interval) {
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!inFlight.tryAcquire()) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    int n = sent.getAndIncrement();
                    long scheduled = due;
                    executor.submit(() -> {
                        try {
                            statuses[n] = purchase(http, url, item, tag + "-" + n);
                            latencyNanos[n] = System.nanoTime() - scheduled;
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        report(tag, Math.min(sent.get(), capacity), statuses, latencyNanos, elapsed, dropped.get());
    }

    static int purchase(HttpClient http, String url, long item, String buyer) {
        var request = HttpRequest.newBuilder(URI.create(url + "/api/v1/orders"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"itemId\":" + item + ",\"userId\":\"" + buyer + "\"}"))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            return -2;
        } catch (Exception e) {
            return -1;
        }
    }

    static void report(String tag, int count, int[] statuses, long[] latencyNanos, double elapsed, int dropped) {
        long[] accepted = select(count, statuses, latencyNanos, 202);
        long[] shed = select(count, statuses, latencyNanos, 503);
        int errors = 0;
        int timeouts = 0;
        int other = 0;
        for (int i = 0; i < count; i++) {
            switch (statuses[i]) {
                case 202, 503 -> { }
                case -2 -> timeouts++;
                case -1 -> errors++;
                default -> other++;
            }
        }
        System.out.printf("tag=%s sent=%d seconds=%.1f accepted=%d accepted_per_s=%.0f shed=%d timeouts=%d errors=%d other=%d"
                        + " client_dropped=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f shed_p99_ms=%.1f%n",
                tag, count, elapsed, accepted.length, accepted.length / elapsed, shed.length, timeouts, errors, other, dropped,
                percentile(accepted, 0.50), percentile(accepted, 0.99), percentile(accepted, 1.0), percentile(shed, 0.99));
    }

    static long[] select(int count, int[] statuses, long[] latencies, int status) {
        return java.util.stream.IntStream.range(0, count).filter(i -> statuses[i] == status)
                .mapToLong(i -> latencies[i]).sorted().toArray();
    }

    static double percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
