// The running application, as the tests set it up: its two api instances (E2E_URL_A runs every
// role, E2E_URL_B only the api), the admin API to make sales, and plain API calls to check what the
// pages show against what the server holds. e2e/run.sh starts both and sets the variables.

import assert from 'node:assert/strict';

export const A = process.env.E2E_URL_A || 'http://127.0.0.1:8080';
export const B = process.env.E2E_URL_B || A;
const TOKEN = process.env.E2E_ADMIN_TOKEN || '';

async function call(base, method, path, body, headers = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {Accept: 'application/json', ...(body ? {'Content-Type': 'application/json'} : {}), ...headers},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  return {status: response.status, body: json, text};
}

/** The server's clock (epoch ms), as the pages learn it. */
export async function serverNow(base = A) {
  return (await call(base, 'GET', '/api/v1/time')).body.epochMillis;
}

let made = 0;

/**
 * A sale with one item, warmed up: it opens `startsIn` ms from now by the server's clock (negative:
 * open already). Returns {saleId, itemId, startsAt, endsAt}.
 */
export async function createSale({startsIn = -1000, lastsFor = 3600_000, stock = 10, perUserLimit = 1, name} = {}) {
  const now = await serverNow();
  const startsAt = new Date(now + startsIn).toISOString();
  const endsAt = new Date(now + startsIn + lastsFor).toISOString();
  made++;
  const sku = `E2E-${Date.now().toString(36)}-${made}`;
  const created = await call(A, 'POST', '/api/v1/admin/sales', {
    name: name || `Browser test sale ${made}`, startsAt, endsAt,
    items: [{sku, name: 'Limited sneaker', price: 89.9, stock, perUserLimit}],
  }, {Authorization: `Bearer ${TOKEN}`});
  assert.equal(created.status, 201, `creating a sale: ${created.text}`);
  const warm = await call(A, 'POST', `/api/v1/admin/sales/${created.body.id}/warmup`, null, {Authorization: `Bearer ${TOKEN}`});
  assert.equal(warm.status, 200, `warming the sale up: ${warm.text}`);
  return {saleId: created.body.id, itemId: created.body.items[0].id, startsAt: Date.parse(startsAt), endsAt: Date.parse(endsAt)};
}

/** A purchase through the API, as another buyer's client would make it. */
export function buy(itemId, userId, base = A) {
  return call(base, 'POST', '/api/v1/orders', {itemId, userId, quantity: 1});
}

export async function order(orderId, base = A) {
  return (await call(base, 'GET', `/api/v1/orders/${orderId}`)).body;
}

export async function sale(saleId, base = A) {
  return (await call(base, 'GET', `/api/v1/sales/${saleId}`)).body;
}

/** The server's OpenAPI document lists a path like this one ({...} for any path variable) with this method. */
export async function offers(template, method) {
  const document = (await call(A, 'GET', '/v3/api-docs')).body;
  const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]*\}/g, '\\{[^}]+\\}')}$`);
  return Object.entries(document?.paths || {}).some(([path, operations]) => pattern.test(path) && operations[method]);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something truthy, or fails after `timeout` ms saying `what`. */
export async function eventually(what, check, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) {
      return last;
    }
    await sleep(200);
  }
  assert.fail(`${what}: not within ${timeout} ms (last: ${JSON.stringify(last)})`);
}
