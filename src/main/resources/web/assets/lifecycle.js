// The order lifecycle as the sale page uses it (docs/adr/0047, docs/adr/0050): paying a confirmed
// order within its window, cancelling it, and standing by for a sold-out item.
//
// The page shows these controls only when the server offers them, so it works with a server that
// has no lifecycle (an order is then final once CONFIRMED) and lights up with one that has:
//   - Pay and Cancel: when a CONFIRMED order carries `payBy` (the end of its payment window).
//     POST /api/v1/orders/{id}/payment {"paymentReference"} answers the PAID order; the same
//     reference again is the same payment, so the page makes one per order and keeps it.
//     POST /api/v1/orders/{id}/cancel (no body) answers the CANCELLED order.
//   - Stand by: when the item is sold out and the server has POST /api/v1/items/{id}/standby: its
//     API document (/v3/api-docs) lists it, or, where that document is not served, a GET of it
//     answers other than 404 (405 for a POST-only mapping). POST {userId, quantity} answers 202
//     {standbyId, position}; GET /api/v1/standby/{id} answers {standbyId, status, position while
//     WAITING, orderId once SERVED}; DELETE withdraws it, or answers 409 NOT_WAITING naming the
//     `orderId` if it was served meanwhile. A served standby's order is followed like a purchase.
// Everything the page needs to know about those endpoints is in this file.

import {newKey, request} from './api.js';

/** Statuses after which an order never changes again. */
const FINAL = new Set(['FAILED', 'EXPIRED', 'PAID', 'CANCELLED']);
const PAYMENT_KEY = 'flashsale.payment.';

/** Whether the order can still change: not final, and not a CONFIRMED order without a payment window. */
export function isSettledForGood(order) {
  return FINAL.has(order.status) || (order.status === 'CONFIRMED' && !order.payBy);
}

/** A CONFIRMED order with a payment window: Pay and Cancel are offered until `payBy`. */
export function awaitsPayment(order) {
  return order.status === 'CONFIRMED' && Boolean(order.payBy);
}

const references = new Map();

/** The order's payment reference: made once and kept (a reload too), so a retry or a double click pays once. */
function paymentReferenceOf(orderId) {
  let reference = references.get(orderId);
  try {
    reference ??= localStorage.getItem(PAYMENT_KEY + orderId);
  } catch (e) {
    // private mode: kept for this page only
  }
  reference ??= `page-${newKey()}`;
  references.set(orderId, reference);
  try {
    localStorage.setItem(PAYMENT_KEY + orderId, reference);
  } catch (e) {
    // see above
  }
  return reference;
}

export function pay(order) {
  return request('POST', `/api/v1/orders/${encodeURIComponent(order.orderId)}/payment`, {
    body: {paymentReference: paymentReferenceOf(order.orderId)},
  });
}

export function cancel(order) {
  return request('POST', `/api/v1/orders/${encodeURIComponent(order.orderId)}/cancel`);
}

const STANDBY_PATH = /^\/api\/v1\/items\/\{[^}]+\}\/standby$/;
let standbyOffered = null;

async function askStandbyOffered(itemId) {
  const document = await request('GET', '/v3/api-docs');
  if (document.ok && document.body?.paths) {
    return Object.entries(document.body.paths).some(([path, operations]) => STANDBY_PATH.test(path) && operations.post);
  }
  const probe = await request('GET', `/api/v1/items/${itemId}/standby`);
  return probe.status !== 404;
}

/** Whether the server takes standbys (asked once per page). */
export function offersStandby(itemId) {
  if (!standbyOffered) {
    standbyOffered = askStandbyOffered(itemId).catch(() => false);
  }
  return standbyOffered;
}

/** A standing order as the page keeps it: {id, status, position (WAITING), orderId (SERVED)}. */
function standbyOf(body, status = body.status) {
  return {id: body.standbyId, status, position: body.position ?? null, orderId: body.orderId ?? null};
}

/**
 * Stands by for one unit. A buyer who stands by already (another tab) is given that standing order.
 * Answers {answer, standby} (standby null when refused: answer.body.code says why).
 */
export async function standBy(itemId, buyerId) {
  const answer = await request('POST', `/api/v1/items/${itemId}/standby`, {body: {userId: buyerId, quantity: 1}});
  if (answer.ok) {
    return {answer, standby: standbyOf(answer.body, 'WAITING')};
  }
  if (answer.body?.code === 'ALREADY_STANDING_BY' && answer.body.standbyId) {
    return {answer, standby: {id: answer.body.standbyId, status: 'WAITING', position: null, orderId: null}};
  }
  return {answer, standby: null};
}

export async function standbyStatus(id) {
  const answer = await request('GET', `/api/v1/standby/${encodeURIComponent(id)}`);
  return {answer, standby: answer.ok ? standbyOf(answer.body) : null};
}

/** Withdraws a standing order: {left: true}, or {left: false, orderId} if it was served meanwhile, or {answer} refused. */
export async function leaveStandby(id) {
  const answer = await request('DELETE', `/api/v1/standby/${encodeURIComponent(id)}`);
  if (answer.ok || answer.status === 404) {
    return {left: true, answer};
  }
  return {left: false, orderId: answer.body?.code === 'NOT_WAITING' ? answer.body.orderId ?? null : null, answer};
}
