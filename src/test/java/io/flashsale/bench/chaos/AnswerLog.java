package io.flashsale.bench.chaos;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every request the crowd sent and its answer, written as JSON lines to answers.jsonl as they come
 * and kept in memory for the promise checks.
 */
final class AnswerLog implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintWriter out;
    private final List<Exchange> exchanges = new ArrayList<>();

    AnswerLog(Path file) throws IOException {
        this.out = new PrintWriter(Files.newBufferedWriter(file));
    }

    synchronized void record(Exchange exchange) {
        exchanges.add(exchange);
        out.println(JSON.writeValueAsString(exchange));
    }

    synchronized List<Exchange> all() {
        return List.copyOf(exchanges);
    }

    /** Answers by method, status and code, e.g. {@code POST 409 SOLD_OUT}; "no answer" for requests that got none. */
    synchronized Map<String, Integer> byStatus() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Exchange exchange : exchanges) {
            String key =
                    exchange.method() + " " + (exchange.answered() ? Integer.toString(exchange.status()) : "no answer")
                            + (exchange.code() == null ? "" : " " + exchange.code());
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public synchronized void close() {
        out.close();
    }
}
