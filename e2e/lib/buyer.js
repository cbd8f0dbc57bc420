// A buyer in Debian's Chromium (headless, driven by playwright-core): one browser per test file,
// one context per buyer (its own storage, so its own buyer id), a phone's viewport, and the sale page
// as a page object. Every buyer's page fails its test on a console error, an uncaught exception or
// a Content-Security-Policy violation, unless the test said it expects that one (expectConsoleError).
//
// The lifecycle's controls (Pay, Cancel, Stand by) are here too, so that its scenarios
// (tests/lifecycle.test.js) need nothing else.

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const SCREENSHOTS = process.env.E2E_SCREENSHOTS || path.resolve('target/e2e/screenshots');
const PHONE = {viewport: {width: 390, height: 844}, deviceScaleFactor: 2, isMobile: true, hasTouch: true};

let browser = null;

export async function launch() {
  browser ??= await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // root in CI and in containers: Chromium's sandbox needs user namespaces it may not have there
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return browser;
}

export async function closeBrowser() {
  if (browser) {
    await browser.close();
    browser = null;
  }
}

export class Buyer {

  /**
   * A new buyer with its own storage, buying as `id`; `deviceClockAhead` (ms) sets the device's
   * clock that far off the real one, as a phone with a wrong clock would be.
   */
  static async create(id, {deviceClockAhead = 0} = {}) {
    const context = await (await launch()).newContext(PHONE);
    await context.addInitScript(({buyerId, ahead}) => {
      localStorage.setItem('flashsale.buyer', buyerId);
      if (ahead) {
        const RealDate = Date;
        class DeviceDate extends RealDate {
          constructor(...args) {
            super(...(args.length ? args : [RealDate.now() + ahead]));
          }

          static now() {
            return RealDate.now() + ahead;
          }
        }
        globalThis.Date = DeviceDate;
      }
    }, {buyerId: id, ahead: deviceClockAhead});
    const page = await context.newPage();
    const buyer = new Buyer(id, context, page);
    return buyer;
  }

  constructor(id, context, page) {
    this.id = id;
    this.context = context;
    this.page = page;
    this.problems = [];
    this.expected = [];
    this.navigations = 0;
    page.on('console', (message) => {
      if (message.type() === 'error') {
        this.problems.push(`console: ${message.text()} (${message.location().url})`);
      }
    });
    page.on('pageerror', (error) => this.problems.push(`uncaught: ${error.message}`));
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) {
        this.navigations++;
      }
    });
  }

  /** Opens the sale page on an api instance (base URL). */
  async openSale(base, saleId) {
    await this.page.goto(`${base}/sales/${saleId}`);
    await this.page.locator('#live[data-state="live"]').waitFor({timeout: 15_000});
    return this;
  }

  async openHome(base) {
    await this.page.goto(`${base}/`);
    await this.page.locator('#sales[aria-busy="false"]').waitFor({timeout: 15_000});
    return this;
  }

  get item() {
    return this.page.locator('li.item').first();
  }

  get buyButton() {
    return this.item.getByTestId('buy');
  }

  async countdown() {
    return (await this.item.getByTestId('countdown').textContent()).trim();
  }

  async remaining() {
    return Number((await this.item.getByTestId('remaining').textContent()).trim());
  }

  async waitForRemaining(units, timeout = 10_000) {
    await this.item.locator(`[data-testid="remaining"]:text-is("${units}")`).waitFor({timeout});
  }

  async orderStatus() {
    return (await this.item.getByTestId('order-status').textContent()).trim();
  }

  async waitForStatus(status, timeout = 20_000) {
    await this.item.locator(`[data-testid="order"][data-status="${status}"]`).waitFor({timeout});
  }

  async orderId() {
    return (await this.item.locator('.order-id').textContent()).trim();
  }

  /** Presses Buy with the keyboard alone: Tab until the button has the focus, then Enter. */
  async buyWithKeyboard() {
    for (let i = 0; i < 20; i++) {
      await this.page.keyboard.press('Tab');
      if (await this.buyButton.evaluate((button) => button === document.activeElement)) {
        await this.page.keyboard.press('Enter');
        return;
      }
    }
    assert.fail('Tab never reached the Buy button');
  }

  // --- the order lifecycle (shown only when the server offers it) -----------------------------

  get payButton() {
    return this.item.getByTestId('pay');
  }

  get cancelButton() {
    return this.item.getByTestId('cancel');
  }

  get standByButton() {
    return this.item.getByTestId('stand-by');
  }

  async payByText() {
    return (await this.item.getByTestId('pay-by').textContent()).trim();
  }

  async standbyText() {
    return (await this.item.getByTestId('standby').textContent()).trim();
  }

  // --- checks that hold for every page --------------------------------------------------------

  /** A console error the test provokes on purpose (an API refusal the page handles), by its text. */
  expectConsoleError(pattern) {
    this.expected.push(pattern);
  }

  /** Nothing is wider than the phone's screen. */
  async assertFitsTheScreen() {
    const {scroll, width} = await this.page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    }));
    assert.ok(scroll <= width, `the page is ${scroll} px wide on a ${width} px screen`);
  }

  async screenshot(name) {
    mkdirSync(SCREENSHOTS, {recursive: true});
    await this.page.screenshot({path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true});
  }

  /** Closes the buyer's browser context and fails on any problem its pages had. */
  async close() {
    await this.context.close();
    const unexpected = this.problems.filter((problem) => !this.expected.some((pattern) => pattern.test(problem)));
    assert.deepEqual(unexpected, [], `the pages of ${this.id} had errors`);
  }
}
