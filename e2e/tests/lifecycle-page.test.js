// The page's lifecycle controls (web/assets/lifecycle.js) against the lifecycle's endpoints as the
// server answers them (PaymentController, StandbyController), answered here by the test itself:
// so that states the real server reaches only by waiting or by chance are tried too (a payment
// that must be retried, a server without a payment window, the moment a standby is served). The
// sale, its stock stream and the clock are the real server's. tests/lifecycle.test.js runs the
// scenarios against the real endpoints.

import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {A, buy, createSale, serverNow} from '../lib/app.js';
import {Buyer, closeBrowser} from '../lib/buyer.js';

after(closeBrowser);

const json = (body, status = 200) => ({status, contentType: 'application/json', body: JSON.stringify(body)});

/** One status event and the end of the stream; the page keeps it, and the browser would reconnect a minute later. */
function statusStream(order) {
  return {
    status: 200,
    contentType: 'text/event-stream',
    body: `retry: 60000\n\nevent: status\nid: ${order.status}\ndata: ${JSON.stringify(order)}\n\n`,
  };
}

test('a confirmed order with a payment window offers Pay and Cancel; a retried payment is the same payment', {timeout: 60_000},
  async () => {
    const sale = await createSale({stock: 5});
    const buyer = await Buyer.create('stub-payer');
    const orderId = '01a20fc9-0000-7000-8000-00000000beef';
    const payBy = new Date(await serverNow() + 15 * 60_000).toISOString();
    const confirmed = {orderId, itemId: sale.itemId, userId: 'stub-payer', quantity: 1, status: 'CONFIRMED', reason: null, payBy};
    const payments = [];
    await buyer.page.route(`${A}/api/v1/orders`, (route) => route.fulfill(json({orderId, status: 'PENDING'}, 202)));
    await buyer.page.route(`${A}/api/v1/orders/${orderId}/events**`, (route) => route.fulfill(statusStream(confirmed)));
    await buyer.page.route(`${A}/api/v1/orders/${orderId}/payment`, (route) => {
      payments.push(route.request());
      route.fulfill(payments.length === 1
        ? {...json({code: 'UNAVAILABLE', status: 503, detail: 'Try again'}, 503), contentType: 'application/problem+json'}
        : json({...confirmed, status: 'PAID', payBy: undefined}));
    });
    buyer.expectConsoleError(/status of 503/);
    await buyer.openSale(A, sale.saleId);

    await buyer.buyButton.click();
    await buyer.waitForStatus('CONFIRMED');
    await buyer.payButton.waitFor();
    assert.equal(await buyer.cancelButton.isVisible(), true);
    assert.match(await buyer.payByText(), /^Pay within 1[45]:\d\d$/);

    await buyer.payButton.click();
    await buyer.item.locator('.message:has-text("Try again")').waitFor({timeout: 5_000});
    await buyer.payButton.click();
    await buyer.waitForStatus('PAID');
    assert.equal(payments.length, 2);
    const [first, second] = payments.map((request) => JSON.parse(request.postData()));
    assert.match(first.paymentReference, /^page-[0-9a-f]{32}$/);
    assert.deepEqual(second, first, 'the retry is the same payment');
    assert.equal(await buyer.payButton.isHidden(), true);
    assert.equal(await buyer.cancelButton.isHidden(), true);
    await buyer.close();
  });

test('a confirmed order without a payment window offers neither Pay nor Cancel', {timeout: 60_000}, async () => {
  const sale = await createSale({stock: 5});
  const buyer = await Buyer.create('no-lifecycle');
  const orderId = '01a20fc9-0000-7000-8000-00000000cafe';
  await buyer.page.route(`${A}/api/v1/orders`, (route) => route.fulfill(json({orderId, status: 'PENDING'}, 202)));
  await buyer.page.route(`${A}/api/v1/orders/${orderId}/events**`, (route) => route.fulfill(statusStream({
    orderId, itemId: sale.itemId, userId: 'no-lifecycle', quantity: 1, status: 'CONFIRMED', reason: null,
  })));
  await buyer.openSale(A, sale.saleId);

  await buyer.buyButton.click();
  await buyer.waitForStatus('CONFIRMED');
  assert.equal(await buyer.payButton.isHidden(), true);
  assert.equal(await buyer.cancelButton.isHidden(), true);
  assert.equal(await buyer.item.getByTestId('pay-by').isHidden(), true);
  await buyer.close();
});

test('a sold-out item offers Stand by when the server takes standbys, shows the place in line, then the order it becomes',
  {timeout: 60_000}, async () => {
    const sale = await createSale({stock: 1});
    assert.equal((await buy(sale.itemId, 'quick-buyer')).status, 202);
    const buyer = await Buyer.create('stub-waiter');
    const orderId = '01a20fc9-0000-7000-8000-0000000000aa';
    let served = false;
    let joined = null;
    await buyer.page.route(`${A}/v3/api-docs`, (route) => route.fulfill(json({
      openapi: '3.1.0', paths: {'/api/v1/items/{itemId}/standby': {post: {}}, '/api/v1/standby/{standbyId}': {get: {}, delete: {}}},
    })));
    const standbyId = '5b1e0c2a-0000-4000-8000-0000000000bb';
    const standing = {standbyId, itemId: sale.itemId, userId: 'stub-waiter', quantity: 1};
    await buyer.page.route(`${A}/api/v1/items/${sale.itemId}/standby`, (route) => {
      joined = route.request();
      route.fulfill(json({standbyId, position: 1}, 202));
    });
    await buyer.page.route(`${A}/api/v1/standby/${standbyId}`, (route) => route.fulfill(json(served
      ? {...standing, status: 'SERVED', orderId}
      : {...standing, status: 'WAITING', position: 1})));
    await buyer.page.route(`${A}/api/v1/orders/${orderId}/events**`, (route) => route.fulfill(statusStream({
      orderId, itemId: sale.itemId, userId: 'stub-waiter', quantity: 1, status: 'CONFIRMED', reason: null,
      payBy: new Date(Date.now() + 10 * 60_000).toISOString(),
    })));
    await buyer.openSale(A, sale.saleId);

    await buyer.waitForRemaining(0);
    await buyer.standByButton.waitFor({timeout: 10_000});
    await buyer.standByButton.click();
    await buyer.item.locator('[data-testid="standby"]:has-text("number 1 in line")').waitFor({timeout: 5_000});
    assert.deepEqual(JSON.parse(joined.postData()), {userId: 'stub-waiter', quantity: 1});

    served = true;
    await buyer.waitForStatus('CONFIRMED', 15_000);
    assert.equal(await buyer.orderId(), orderId);
    assert.equal(await buyer.item.getByTestId('standby').isHidden(), true);
    await buyer.payButton.waitFor();
    await buyer.close();
  });
