package io.flashsale.bench.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a {@link FaultSchedule} while the crowd runs, in the spirit of Jepsen's nemesis: each
 * fault at its time, in a thread of its own (so faults overlap as drawn), each logged to
 * {@code faults.jsonl} with when it really started and ended. {@link #stop} starts no more faults
 * and waits for the running ones to lift themselves (each lasts at most a few seconds).
 */
final class Nemesis implements AutoCloseable {

    private final Map<FaultKind, FaultHandler> handlers;
    private final PrintWriter log;
    private final Map<FaultKind, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<Thread> running = new ArrayList<>();
    private volatile boolean stopping;
    private Thread scheduler;

    Nemesis(Map<FaultKind, FaultHandler> handlers, Path log) throws IOException {
        this.handlers = handlers;
        this.log = new PrintWriter(Files.newBufferedWriter(log), true);
    }

    /** Starts the schedule; its times count from {@code startNanos} (the crowd's start). */
    void start(FaultSchedule schedule, long startNanos) {
        scheduler = Thread.ofPlatform().name("nemesis").start(() -> {
            for (Fault fault : schedule.faults()) {
                long wait = startNanos + fault.atMs() * 1_000_000 - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
                synchronized (running) {
                    running.add(
                            Thread.ofVirtual().name("fault-" + fault.number()).start(() -> apply(fault, startNanos)));
                }
            }
        });
    }

    void stop() throws InterruptedException {
        stopping = true;
        if (scheduler != null) {
            scheduler.interrupt();
            scheduler.join();
        }
        List<Thread> threads;
        synchronized (running) {
            threads = List.copyOf(running);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Faults applied, by kind, in the enum's order. */
    Map<FaultKind, Integer> applied() {
        Map<FaultKind, Integer> counts = new TreeMap<>();
        applied.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    int total() {
        return applied.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    @Override
    public void close() {
        log.close();
    }

    private void apply(Fault fault, long startNanos) {
        long started = elapsedMs(startNanos);
        System.err.printf("[chaos %6.1fs] fault %s%n", started / 1000.0, fault);
        String error = null;
        try {
            handlers.get(fault.kind()).apply(fault);
            applied.computeIfAbsent(fault.kind(), kind -> new AtomicInteger()).incrementAndGet();
        } catch (Exception | AssertionError e) {
            error = e.toString();
            synchronized (errors) {
                errors.add("fault #" + fault.number() + " " + fault.kind() + " " + fault.target() + ": " + error);
            }
        }
        var entry = new java.util.LinkedHashMap<String, Object>();
        entry.put("n", fault.number());
        entry.put("kind", fault.kind());
        entry.put("target", fault.target());
        entry.put("planned_ms", fault.atMs());
        entry.put("started_ms", started);
        entry.put("ended_ms", elapsedMs(startNanos));
        entry.put("duration_ms", fault.durationMs());
        entry.put("param", fault.param());
        entry.put("error", error);
        synchronized (log) {
            log.println(AnswerLog.JSON.writeValueAsString(entry));
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
