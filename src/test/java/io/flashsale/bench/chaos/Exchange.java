package io.flashsale.bench.chaos;

import java.util.UUID;

/**
 * One request of the crowd and what came back, as logged (one JSON line each in answers.jsonl).
 *
 * @param id          the request's id, named by violations
 * @param chain       the purchase attempt this request belongs to: a first try and its retries and
 *                    replays with the same Idempotency-Key share it, and so do the look-ups, payments,
 *                    cancellations and standing order that follow it
 * @param method      what was asked: POST (purchase), GET (order status), PAY, CANCEL, STANDBY (leave
 *                    a standing order), STANDING (read it), WITHDRAW (DELETE it)
 * @param follows     for a GET right after a 202: the id of that POST's exchange, else 0
 * @param status      the HTTP status, or -1 when no answer came (connection refused or reset, timeout)
 * @param code        a problem's code, or the reason of an order shown (SOLD_OUT, PAYMENT_TIMEOUT, ...)
 * @param orderId     the orderId asked about or named by the answer (a 202 body, a GET body, a problem's
 *                    orderId property, the order a standing order was served with)
 * @param ownerId     for a GET: the userId of the order it shows
 * @param state       the status the answer shows: an order's, or for STANDBY, STANDING and WITHDRAW a
 *                    standing order's
 * @param reference   for PAY: the payment reference sent
 * @param standbyId   for STANDBY: the standing order answered; for STANDING and WITHDRAW: the one asked about
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
        String state,
        String reference,
        UUID standbyId,
        String body) {

    /** A request about to be sent: what the log needs of it before an answer. */
    static Exchange asked(
            String method,
            AppMember api,
            long chain,
            int attempt,
            long itemId,
            String userId,
            int quantity,
            String key,
            long follows,
            UUID orderId,
            String reference,
            UUID standbyId) {
        return new Exchange(
                0,
                chain,
                attempt,
                method,
                api.label(),
                itemId,
                userId,
                quantity,
                key,
                follows,
                0,
                0,
                -1,
                null,
                null,
                orderId,
                null,
                null,
                reference,
                standbyId,
                null);
    }

    /** This request with its answer, or with the error that stood for one ({@code status} -1). */
    Exchange answered(
            long id,
            long sentMs,
            long answeredMs,
            int status,
            String error,
            String code,
            UUID orderId,
            String ownerId,
            String state,
            UUID standbyId,
            String body) {
        return new Exchange(
                id,
                chain,
                attempt,
                method,
                api,
                itemId,
                userId,
                quantity,
                key,
                follows,
                sentMs,
                answeredMs,
                status,
                error,
                code,
                orderId,
                ownerId,
                state,
                reference,
                standbyId,
                body);
    }

    boolean answered() {
        return status > 0;
    }

    boolean isPost() {
        return method.equals("POST");
    }

    /** Worth sending again: no answer, or a 5xx (503: the server could not decide now). */
    boolean worthRetrying() {
        return !answered() || status >= 500;
    }
}
