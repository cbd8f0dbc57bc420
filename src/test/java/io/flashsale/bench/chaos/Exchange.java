package io.flashsale.bench.chaos;

import java.util.UUID;

/**
 * One request of the crowd and what came back, as logged (one JSON line each in answers.jsonl).
 *
 * @param id          the request's id, named by violations
 * @param chain       the purchase attempt this request belongs to: a first try and its retries and
 *                    replays with the same Idempotency-Key share it (a GET shares its POST's)
 * @param method      POST (purchase) or GET (order status)
 * @param follows     for a GET right after a 202: the id of that POST's exchange, else 0
 * @param status      the HTTP status, or -1 when no answer came (connection refused or reset, timeout)
 * @param orderId     the orderId the answer names (a 202 body, a GET body, or a problem's orderId property)
 * @param ownerId     for a GET: the userId of the order it shows
 */
record Exchange(
        long id,
        long chain,
        int attempt,
        String method,
        String api,
        long itemId,
        String userId,
        int quantity,
        String key,
        long follows,
        long sentMs,
        long answeredMs,
        int status,
        String error,
        String code,
        UUID orderId,
        String ownerId,
        String orderStatus,
        String body) {

    boolean answered() {
        return status > 0;
    }

    boolean isPost() {
        return method.equals("POST");
    }
}
