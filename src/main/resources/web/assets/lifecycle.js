// The order lifecycle as the sale page uses it: paying a confirmed order within its window,
// cancelling it, and standing by for a sold-out item (docs/adr/0050).
//
// The page shows these controls only when the server offers them, so it works with a server that
// has no lifecycle (an order is then final once CONFIRMED) and lights up with one that has:
//   - Pay and Cancel: when a CONFIRMED order carries `payBy` (the end of its payment window);
//     POST /api/v1/orders/{id}/payment and POST /api/v1/orders/{id}/cancel.
//   - Stand by: when the item is sold out and the server has POST /api/v1/items/{id}/standby: its
//     API document (/v3/api-docs) lists it, or, where that document is not served, a GET of it
//     answers other than 404 (405 for a POST-only mapping). POST it to stand by, then
//     GET /api/v1/standby/{id} for the position and DELETE it to leave the line. A standby that is
//     served names the order it became (`orderId`), which the page then follows like its own.
// Everything the page needs to know about those endpoints is in this file.

import {request} from './api.js';

/** Statuses after which an order never changes again. */
const FINAL = new Set(['FAILED', 'EXPIRED', 'PAID', 'CANCELLED']);

/** Whether the order can still change: not final, and not a CONFIRMED order without a payment window. */
export function isSettledForGood(order) {
  return FINAL.has(order.status) || (order.status === 'CONFIRMED' && !order.payBy);
}

/** A CONFIRMED order with a payment window: Pay and Cancel are offered until `payBy`. */
export function awaitsPayment(order) {
  return order.status === 'CONFIRMED' && Boolean(order.payBy);
}

export function pay(order, buyerId) {
  return request('POST', `/api/v1/orders/${encodeURIComponent(order.orderId)}/payment`, {
    body: {userId: buyerId},
    headers: {'Idempotency-Key': `pay-${order.orderId}`},
  });
}

export function cancel(order, buyerId) {
  return request('POST', `/api/v1/orders/${encodeURIComponent(order.orderId)}/cancel`, {
    body: {userId: buyerId},
    headers: {'Idempotency-Key': `cancel-${order.orderId}`},
  });
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

/** A standby as the page shows it, whatever the server calls its fields. */
export function standbyOf(body) {
  if (!body) {
    return null;
  }
  return {
    id: body.standbyId ?? body.id ?? null,
    position: body.position ?? null,
    status: body.status ?? 'WAITING',
    orderId: body.orderId ?? null,
  };
}

export async function standBy(itemId, buyerId) {
  const answer = await request('POST', `/api/v1/items/${itemId}/standby`, {body: {userId: buyerId, quantity: 1}});
  return {answer, standby: answer.ok ? standbyOf(answer.body) : null};
}

export async function standbyStatus(id) {
  const answer = await request('GET', `/api/v1/standby/${encodeURIComponent(id)}`);
  return {answer, standby: answer.ok ? standbyOf(answer.body) : null};
}

export function leaveStandby(id) {
  return request('DELETE', `/api/v1/standby/${encodeURIComponent(id)}`);
}
