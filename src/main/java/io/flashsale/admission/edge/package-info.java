/**
 * Everything a request passes before a controller runs: the security chains, the servlet filters in
 * their order (request id, one-write responses, request limits, client rate limits, the adaptive
 * concurrency limit), the limits they apply and the refusals they write.
 */
package io.flashsale.admission.edge;
