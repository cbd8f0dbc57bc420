package io.flashsale.bench.chaos;

import java.util.List;

/**
 * A broken invariant (I1-I5, DESIGN section 5) or promise (P1-P5), with the ids of the requests
 * in answers.jsonl that show it (empty when only the database and Redis do).
 */
record Violation(String rule, String what, List<Long> requests) {

    @Override
    public String toString() {
        return rule + ": " + what + (requests.isEmpty() ? "" : " [requests " + requests + "]");
    }
}
