// A purchase from the page: its order's status is pushed to it, one order whatever the clicks and
// the network do, and another buyer's page on another api instance sees the units go.

import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {A, B, buy, createSale, eventually, order, sale as saleOf} from '../lib/app.js';
import {Buyer, closeBrowser} from '../lib/buyer.js';

after(closeBrowser);

test('a purchase shows CONFIRMED without a reload, pushed from another instance; a double click and a lost answer are one order', {timeout: 60_000},
  async () => {
    const sale = await createSale({stock: 10, perUserLimit: 2});
    const buyer = await Buyer.create('double-clicker');
    buyer.expectConsoleError(/ERR_CONNECTION_RESET/);
    const purchases = [];
    // The first answer is lost on its way back (the request did reach the server): the page must
    // send it again with the same Idempotency-Key.
    let lost = false;
    await buyer.page.route(`${B}/api/v1/orders`, async (route) => {
      const request = route.request();
      purchases.push(request.headers()['idempotency-key']);
      if (!lost) {
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    // on the api-only instance: the order is settled by A's worker, and its status reaches this
    // page's stream on B through Redis
    await buyer.openSale(B, sale.saleId);
    const loads = buyer.navigations;

    await buyer.buyButton.dblclick();
    await buyer.waitForStatus('CONFIRMED');

    assert.equal(buyer.navigations, loads, 'the page was not reloaded');
    assert.ok(purchases.length >= 2, 'the page sent the purchase again after the lost answer');
    assert.equal(new Set(purchases).size, 1, `every try carried the same Idempotency-Key: ${purchases}`);
    assert.equal(await buyer.orderStatus(), 'CONFIRMED');
    const confirmed = await order(await buyer.orderId());
    assert.equal(confirmed.status, 'CONFIRMED');
    assert.equal(confirmed.userId, 'double-clicker');
    await eventually('one unit sold', async () => (await saleOf(sale.saleId)).items[0].available === 9);
    await buyer.waitForRemaining(9);
    assert.equal(await buyer.buyButton.isDisabled(), true, 'Buy is closed once the order is made');
    await buyer.screenshot('3-confirmed');
    await buyer.close();
  });

test('a second tab of another buyer, on another api instance, sees the units go down to sold out', {timeout: 60_000},
  async () => {
    const sale = await createSale({stock: 3});
    const first = await Buyer.create('first-buyer');
    const second = await Buyer.create('second-buyer');
    await first.openSale(A, sale.saleId);
    await second.openSale(B, sale.saleId);
    assert.equal(await second.remaining(), 3);

    await first.buyWithKeyboard();
    await second.waitForRemaining(2);
    await first.waitForStatus('CONFIRMED');
    await second.screenshot('4-second-tab');

    assert.equal((await buy(sale.itemId, 'third-buyer')).status, 202);
    assert.equal((await buy(sale.itemId, 'fourth-buyer', B)).status, 202);
    await second.waitForRemaining(0);
    await second.page.locator('[data-testid="buy"]:text-is("Sold out")').waitFor({timeout: 5_000});
    assert.equal(await second.buyButton.isDisabled(), true);
    await second.assertFitsTheScreen();
    await second.screenshot('5-sold-out');
    await first.close();
    await second.close();
  });
