// The order lifecycle in the page, against the real endpoints (docs/adr/0047): paying a confirmed
// order, and standing by for a sold-out item until a buyer cancels. The buyer in line is on
// instance B and hears of the returned unit's order only through Redis (its standing order is read
// every few seconds, the order's statuses are pushed). These run only against a server that offers
// the lifecycle (its API document lists the endpoints); against one without, they are skipped,
// saying so. tests/lifecycle-page.test.js tries the states the real server reaches only by chance.

import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {A, B, createSale, eventually, offers, order, sale as saleOf} from '../lib/app.js';
import {Buyer, closeBrowser} from '../lib/buyer.js';

after(closeBrowser);

const payment = await offers('/api/v1/orders/{}/payment', 'post') && await offers('/api/v1/orders/{}/cancel', 'post');
const standby = await offers('/api/v1/items/{}/standby', 'post');

test('a confirmed order is paid from the page and shows PAID', {
  timeout: 60_000,
  skip: !payment && 'this server has no payment (no POST /api/v1/orders/{id}/payment in /v3/api-docs)',
}, async () => {
  const sale = await createSale({stock: 5});
  const buyer = await Buyer.create('payer');
  await buyer.openSale(A, sale.saleId);

  await buyer.buyButton.click();
  await buyer.waitForStatus('CONFIRMED');
  await buyer.payButton.waitFor();
  assert.match(await buyer.payByText(), /^Pay within \d+:\d\d/);

  await buyer.payButton.dblclick();
  await buyer.waitForStatus('PAID');
  assert.equal((await order(await buyer.orderId())).status, 'PAID');
  assert.equal(await buyer.payButton.isHidden(), true, 'nothing left to pay');
  await buyer.screenshot('6-paid');
  await buyer.close();
});

test('a buyer stands by for a sold-out item and is served when the first buyer cancels', {
  timeout: 90_000,
  skip: (!payment || !standby) && 'this server has no standby or no cancel (see /v3/api-docs)',
}, async () => {
  const sale = await createSale({stock: 1});
  const first = await Buyer.create('first-canceller');
  const waiting = await Buyer.create('patient-buyer');
  await first.openSale(A, sale.saleId);
  await waiting.openSale(B, sale.saleId);

  await first.buyButton.click();
  await first.waitForStatus('CONFIRMED');
  await waiting.waitForRemaining(0);
  await waiting.standByButton.waitFor({timeout: 10_000});
  await waiting.standByButton.click();
  await eventually('the standby shows its place in line', async () => /number 1 in line|in line/.test(await waiting.standbyText()));
  await waiting.screenshot('8-standing-by');

  await first.cancelButton.click();
  await first.waitForStatus('CANCELLED');
  await first.screenshot('7-cancelled');
  await waiting.waitForStatus('CONFIRMED', 30_000);
  const served = await order(await waiting.orderId());
  assert.equal(served.userId, 'patient-buyer');
  assert.equal((await saleOf(sale.saleId)).items[0].available, 0, 'the unit went to the buyer in line');
  await waiting.screenshot('9-served');
  await first.close();
  await waiting.close();
});
