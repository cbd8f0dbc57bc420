// The home page lists what is open and what is to come, each with its countdown.

import assert from 'node:assert/strict';
import {after, test} from 'node:test';
import {A, createSale} from '../lib/app.js';
import {Buyer, closeBrowser} from '../lib/buyer.js';

after(closeBrowser);

test('the home page lists open and upcoming sales and leads to them', {timeout: 60_000}, async () => {
  const open = await createSale({name: 'Open now: limited sneakers', stock: 20});
  const upcoming = await createSale({name: 'Tomorrow: vinyl reissue', startsIn: 26.5 * 3600_000, stock: 50});
  const buyer = await Buyer.create('browsing');
  await buyer.openHome(A);

  const openEntry = buyer.page.locator('li.sale', {hasText: 'Open now: limited sneakers'});
  const upcomingEntry = buyer.page.locator('li.sale', {hasText: 'Tomorrow: vinyl reissue'});
  assert.match(await openEntry.getByTestId('sale-state').textContent(), /^Open now · ends in/);
  assert.match(await upcomingEntry.getByTestId('sale-state').textContent(), /^Opens in 1 d 2 h$/);
  await buyer.assertFitsTheScreen();
  await buyer.screenshot('0-home');

  await upcomingEntry.getByRole('link').click();
  await buyer.page.waitForURL(`**/sales/${upcoming.saleId}`);
  await buyer.page.locator('#live[data-state="live"]').waitFor();
  assert.equal(await buyer.page.locator('h1').textContent(), 'Tomorrow: vinyl reissue');
  assert.ok(open.saleId < upcoming.saleId);
  await buyer.close();
});
