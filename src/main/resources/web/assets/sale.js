// The sale page, /sales/{id} (docs/adr/0050): a countdown by the server's clock, the units left of
// each item pushed by the server, a Buy button that opens at the start, then the buyer's order as
// it changes, and the lifecycle's controls when the server offers them (lifecycle.js).

import {everySecond, formatLeft, keepClockInStep, noteDeviceSkew, serverNow, syncClock} from './clock.js';
import {BUYER_ID, buyer, detailOf, newKey, purchase, request, savePurchase, setBuyer, sleep, stream} from './api.js';
import * as lifecycle from './lifecycle.js';

const $ = (selector, root = document) => root.querySelector(selector);

/** How long after the start, by the server's clock, a "not open yet" is taken as the clocks' difference and retried. */
const START_SLACK_MS = 3000;
/** Tries of one purchase that the server asked to repeat (429, 503, in progress) before the buyer is asked to. */
const MAX_TRIES = 8;

const REASONS = {
  SOLD_OUT: 'The last units went to buyers before you; nothing was bought.',
  LIMIT_EXCEEDED: 'You already hold as many as one buyer may.',
  RESERVATION_EXPIRED: 'It was not settled in time; nothing was bought.',
  PUBLISH_UNCONFIRMED: 'It could not be queued; nothing was bought. You may try again.',
  SETTLEMENT_FAILED: 'It could not be settled; nothing was bought.',
};

const page = {
  saleId: null,
  sale: null,
  buyerId: buyer(),
  cards: new Map(),
};

function showPageMessage(text) {
  const message = $('#page-message');
  message.textContent = text;
  message.hidden = !text;
}

function phaseOf(sale, now) {
  const startsAt = Date.parse(sale.startsAt);
  const endsAt = Date.parse(sale.endsAt);
  if (now < startsAt) {
    return {phase: 'before', left: startsAt - now};
  }
  if (now < endsAt) {
    return {phase: 'open', left: endsAt - now};
  }
  return {phase: 'ended', left: 0};
}

/** One item of the sale on the page: its units, its button, the buyer's order and standby. */
class ItemCard {

  constructor(item) {
    this.item = item;
    this.remaining = item.available;
    this.order = null;
    this.orderStream = null;
    this.busy = false;
    this.standby = null;
    this.standbyOffered = false;
    this.standbyTimer = null;
    this.message = '';
    const node = $('#item-template').content.firstElementChild.cloneNode(true);
    node.dataset.itemId = String(item.id);
    this.node = node;
    $('.item-name', node).textContent = item.name;
    $('.price', node).textContent = Number(item.price).toFixed(2);
    $('.total', node).textContent = String(item.totalStock);
    $('.units', node).max = item.totalStock;
    $('.buy', node).addEventListener('click', () => this.buy());
    $('.pay', node).addEventListener('click', () => this.pay());
    $('.cancel', node).addEventListener('click', () => this.cancel());
    $('.standby-join', node).addEventListener('click', () => this.standBy());
    $('.standby-leave', node).addEventListener('click', () => this.leaveStandby());
  }

  get activeOrder() {
    return this.order && !['FAILED', 'EXPIRED', 'CANCELLED'].includes(this.order.status);
  }

  get soldOut() {
    return this.remaining === 0;
  }

  setRemaining(remaining) {
    if (remaining === null || remaining === undefined) {
      return; // the gate does not hold the item now; keep the last figure
    }
    this.remaining = remaining;
    if (this.soldOut) {
      this.considerStandby();
    }
    this.render();
    if (this.standby) {
      this.refreshStandby();
    }
  }

  setMessage(text) {
    this.message = text || '';
    this.render();
  }

  render(now = serverNow()) {
    const {phase, left} = phaseOf(page.sale, now);
    const node = this.node;
    $('.remaining', node).textContent = this.remaining === null ? '–' : String(this.remaining);
    $('.units', node).value = this.remaining ?? 0;
    node.classList.toggle('sold-out', this.soldOut);

    const countdown = $('.countdown', node);
    const button = $('.buy', node);
    if (phase === 'before') {
      countdown.textContent = `Opens in ${formatLeft(left)}`;
      button.textContent = 'Buy';
    } else if (phase === 'open') {
      countdown.textContent = `Open now · ends in ${formatLeft(left)}`;
    } else {
      countdown.textContent = 'This sale has ended';
    }
    countdown.dataset.phase = phase;

    if (this.busy) {
      button.textContent = 'Buying…';
    } else if (this.activeOrder) {
      button.textContent = 'Bought';
    } else if (phase === 'open' && this.soldOut) {
      button.textContent = 'Sold out';
    } else if (phase !== 'before') {
      button.textContent = phase === 'ended' ? 'Ended' : 'Buy';
    }
    const canBuy = phase === 'open' && !this.busy && !this.activeOrder && !this.soldOut && !this.standby;
    if (button.disabled === canBuy) {
      button.disabled = !canBuy;
    }

    const message = $('.message', node);
    message.textContent = this.message;
    message.hidden = !this.message;

    this.renderOrder(now);
    this.renderStandby();
  }

  renderOrder(now) {
    const section = $('.order', this.node);
    const order = this.order;
    section.hidden = !order;
    if (!order) {
      return;
    }
    section.dataset.status = order.status;
    $('.order-status', section).textContent = order.status;
    $('.order-id', section).textContent = order.orderId;
    let detail = '';
    switch (order.status) {
      case 'PENDING': detail = 'Queued; the outcome shows here as soon as it is settled.'; break;
      case 'CONFIRMED': detail = lifecycle.awaitsPayment(order) ? 'Reserved for you until you pay.' : 'It is yours.'; break;
      case 'PAID': detail = 'Paid. Thank you.'; break;
      case 'CANCELLED': detail = `${order.reason === 'PAYMENT_TIMEOUT' ? 'Not paid in time: cancelled' : 'Cancelled'}; `
        + 'the unit went to the next buyer in line, or back on sale.'; break;
      default: detail = REASONS[order.reason] || (order.reason ? `Nothing was bought (${order.reason}).` : 'Nothing was bought.');
    }
    $('.order-detail', section).textContent = detail;
    const awaiting = lifecycle.awaitsPayment(order);
    const payBy = $('.pay-by', section);
    payBy.hidden = !awaiting;
    if (awaiting) {
      $('.pay-left', section).textContent = formatLeft(Date.parse(order.payBy) - now);
    }
    $('.pay', section).hidden = !awaiting;
    $('.cancel', section).hidden = !awaiting;
    $('.pay', section).disabled = this.busy;
    $('.cancel', section).disabled = this.busy;
  }

  renderStandby() {
    const section = $('.standby', this.node);
    const show = this.standbyOffered && (this.standby || (this.soldOut && !this.activeOrder));
    section.hidden = !show;
    if (!show) {
      return;
    }
    const text = $('.standby-text', section);
    if (this.standby) {
      text.textContent = this.standby.position
        ? `Sold out. You are number ${this.standby.position} in line for a unit a buyer gives back.`
        : 'Sold out. You are in line for a unit a buyer gives back.';
    } else {
      text.textContent = 'Sold out. Stand by to get a unit if a buyer cancels or does not pay in time.';
    }
    $('.standby-join', section).hidden = Boolean(this.standby);
    $('.standby-leave', section).hidden = !this.standby;
    $('.standby-join', section).disabled = this.busy;
    $('.standby-leave', section).disabled = this.busy;
  }

  /**
   * Shows an order and follows its stream until it cannot change any more. A standing order's
   * order (`justServed`) may be a moment from being queued when the page learns of it: not found
   * then means not yet.
   */
  follow(orderId, status = 'PENDING', {justServed = false} = {}) {
    this.order = {orderId, status, itemId: this.item.id};
    this.render();
    if (this.orderStream) {
      this.orderStream.close();
    }
    this.orderStream = stream(`/api/v1/orders/${orderId}/events`, {status: (order) => this.showOrder(order)}, {
      refused: async () => {
        // Not a stream: read the order once to tell a passing refusal from an order that is gone.
        const answer = await request('GET', `/api/v1/orders/${orderId}`);
        if (answer.status === 404 && !justServed) {
          savePurchase(page.buyerId, this.item.id, null);
          this.order = null;
          this.render();
          return false;
        }
        if (answer.ok) {
          this.showOrder(answer.body);
          return !lifecycle.isSettledForGood(answer.body);
        }
        return true;
      },
    });
  }

  showOrder(order) {
    if (!this.order || order.orderId !== this.order.orderId) {
      return;
    }
    this.order = order;
    if (['FAILED', 'EXPIRED', 'CANCELLED'].includes(order.status)) {
      // nothing is held: a new attempt is a new request, under a new key
      savePurchase(page.buyerId, this.item.id, null);
    }
    if (lifecycle.isSettledForGood(order) && this.orderStream) {
      this.orderStream.close();
      this.orderStream = null;
    }
    this.render();
  }

  /**
   * One purchase, whatever it takes: the same Idempotency-Key on every try (made before the first
   * and remembered), so a double click, a retry the server asked for or a reload names one order.
   */
  async buy() {
    if (this.busy || this.activeOrder) {
      return;
    }
    this.busy = true;
    this.setMessage('');
    let record = purchase(page.buyerId, this.item.id);
    if (!record || record.orderId) {
      record = {key: newKey()};
      savePurchase(page.buyerId, this.item.id, record);
    }
    try {
      await this.send(record);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  async send(record) {
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      let answer;
      try {
        answer = await request('POST', '/api/v1/orders', {
          body: {itemId: this.item.id, userId: page.buyerId, quantity: 1},
          headers: {'Idempotency-Key': record.key},
        });
      } catch (e) {
        await sleep(1000);
        continue; // the network: same key, same order
      }
      const code = answer.body?.code;
      if (answer.status === 202) {
        savePurchase(page.buyerId, this.item.id, {...record, orderId: answer.body.orderId});
        this.follow(answer.body.orderId, answer.body.status);
        this.focusOrder();
        return;
      }
      if (answer.body?.orderId && (code === 'IDEMPOTENCY_KEY_IN_USE' || code === 'UNAVAILABLE')) {
        // the outcome is not known yet: follow the order the answer names
        savePurchase(page.buyerId, this.item.id, {...record, orderId: answer.body.orderId});
        this.follow(answer.body.orderId, 'PENDING');
        this.focusOrder();
        return;
      }
      switch (code) {
        case 'SOLD_OUT':
          savePurchase(page.buyerId, this.item.id, null);
          this.remaining = 0;
          this.considerStandby();
          this.setMessage('Sold out: every unit has gone.');
          return;
        case 'ALREADY_PURCHASED':
          savePurchase(page.buyerId, this.item.id, null);
          this.setMessage('You already hold as many of this item as one buyer may.');
          return;
        case 'SALE_NOT_ACTIVE': {
          const {phase} = phaseOf(page.sale, serverNow());
          const sinceStart = serverNow() - Date.parse(page.sale.startsAt);
          if (phase === 'open' && sinceStart < START_SLACK_MS) {
            await sleep(250); // the server's clock is a hair behind ours: it opens in a moment
            continue;
          }
          this.setMessage(detailOf(answer));
          return;
        }
        case 'IDEMPOTENCY_KEY_REUSED':
          record.key = newKey();
          savePurchase(page.buyerId, this.item.id, record);
          continue;
        case 'RATE_LIMITED':
        case 'UNAVAILABLE':
          await sleep(answer.retryAfter * 1000 * (0.8 + Math.random() * 0.4));
          continue;
        default:
          this.setMessage(detailOf(answer));
          return;
      }
    }
    this.setMessage('The shop is very busy right now. Press Buy again: it is the same request, you will not buy twice.');
  }

  focusOrder() {
    const section = $('.order', this.node);
    section.tabIndex = -1;
    section.focus({preventScroll: false});
  }

  async pay() {
    await this.orderAction(() => lifecycle.pay(this.order));
  }

  async cancel() {
    await this.orderAction(() => lifecycle.cancel(this.order));
  }

  async orderAction(action) {
    if (!this.order) {
      return;
    }
    await this.whileBusy(async () => {
      const answer = await action();
      if (answer.ok && answer.body?.orderId === this.order.orderId) {
        this.showOrder(answer.body);
      } else if (!answer.ok) {
        this.setMessage(detailOf(answer));
      }
    });
  }

  /** Runs one of the buyer's requests, one at a time, with its controls off meanwhile. */
  async whileBusy(request) {
    if (this.busy) {
      return;
    }
    this.busy = true;
    this.setMessage('');
    try {
      await request();
    } catch (e) {
      this.setMessage('Could not reach the shop; try again.');
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** Once sold out: does the server take standbys for this item? */
  async considerStandby() {
    if (this.standbyOffered || this.activeOrder) {
      return;
    }
    this.standbyOffered = await lifecycle.offersStandby(this.item.id);
    this.render();
  }

  async standBy() {
    await this.whileBusy(async () => {
      const {answer, standby} = await lifecycle.standBy(this.item.id, page.buyerId);
      if (standby) {
        this.keepStandby(standby);
      } else if (answer.body?.code === 'NOT_SOLD_OUT') {
        this.setMessage('Units are back on sale: buy one instead.');
      } else {
        this.setMessage(detailOf(answer));
      }
    });
  }

  keepStandby(standby) {
    this.standby = standby;
    const record = purchase(page.buyerId, this.item.id) || {};
    savePurchase(page.buyerId, this.item.id, {...record, standbyId: standby.id});
    if (standby.orderId) {
      this.served(standby.orderId);
      return;
    }
    // The position moves when units come back (pushed as stock events, see setRemaining); read it
    // now and then as well, as nothing pushes the line's own moves.
    clearInterval(this.standbyTimer);
    this.standbyTimer = setInterval(() => this.refreshStandby(), 5000);
    this.render();
  }

  async refreshStandby() {
    if (!this.standby) {
      return;
    }
    try {
      const {answer, standby} = await lifecycle.standbyStatus(this.standby.id);
      if (standby?.orderId) {
        this.served(standby.orderId);
      } else if (standby?.status === 'WAITING') {
        this.standby = standby;
      } else if (standby || answer.status === 404) {
        // withdrawn (another tab) or expired with the sale
        this.dropStandby();
        if (standby?.status === 'EXPIRED') {
          this.setMessage('The sale ended before a unit came back.');
        }
      }
      this.render();
    } catch (e) {
      // next time
    }
  }

  /** The standing order became an order: followed like a purchase from now on. */
  served(orderId) {
    this.dropStandby();
    const record = purchase(page.buyerId, this.item.id) || {key: newKey()};
    savePurchase(page.buyerId, this.item.id, {...record, orderId});
    this.follow(orderId, 'PENDING', {justServed: true});
  }

  dropStandby() {
    clearInterval(this.standbyTimer);
    this.standbyTimer = null;
    this.standby = null;
    const record = purchase(page.buyerId, this.item.id);
    if (record?.standbyId) {
      delete record.standbyId;
      savePurchase(page.buyerId, this.item.id, Object.keys(record).length ? record : null);
    }
  }

  async leaveStandby() {
    if (!this.standby) {
      return;
    }
    await this.whileBusy(async () => {
      const {left, orderId, answer} = await lifecycle.leaveStandby(this.standby.id);
      if (left) {
        this.dropStandby();
      } else if (orderId) {
        this.served(orderId);
      } else {
        this.setMessage(detailOf(answer));
      }
    });
  }

  /** What this browser remembers of the buyer and this item: an order to follow, a standby to watch. */
  resume() {
    const record = purchase(page.buyerId, this.item.id);
    if (record?.orderId) {
      this.follow(record.orderId, 'PENDING');
    } else if (record?.standbyId) {
      this.standbyOffered = true;
      this.keepStandby({id: record.standbyId, position: null, status: 'WAITING', orderId: null});
      this.refreshStandby();
    }
  }
}

function setLive(state) {
  const live = $('#live');
  live.dataset.state = state;
  live.textContent = {
    live: 'Live: units and your order are pushed by the server.',
    reconnecting: 'Reconnecting to live updates…',
    closed: 'Live updates are off.',
  }[state] || 'Connecting to live updates…';
}

const showClockNote = () => noteDeviceSkew($('#clock-note'));

function setUpBuyerForm() {
  const input = $('#buyer-id');
  input.value = page.buyerId;
  $('#buyer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (!BUYER_ID.test(id)) {
      input.setAttribute('aria-invalid', 'true');
      showPageMessage('A buyer name is 1 to 64 letters, digits or . _ : @ -');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    if (id !== page.buyerId) {
      setBuyer(id);
      location.reload();
    }
  });
}

async function main() {
  const id = Number(location.pathname.replace(/\/+$/, '').split('/').pop());
  page.saleId = id;
  setUpBuyerForm();
  const [answer] = await Promise.all([request('GET', `/api/v1/sales/${id}`), syncClock()]);
  if (!answer.ok) {
    $('#sale-name').textContent = answer.status === 404 ? 'No such sale' : 'The sale could not be loaded';
    showPageMessage(answer.status === 404 ? `There is no sale ${id}. See all sales on the home page.` : detailOf(answer));
    setLive('closed');
    return;
  }
  const sale = answer.body;
  page.sale = sale;
  document.title = `${sale.name} · flash sale`;
  $('#sale-name').textContent = sale.name;
  const format = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'medium'});
  $('#sale-window').textContent = `From ${format.format(new Date(sale.startsAt))} to ${format.format(new Date(sale.endsAt))} (your time zone)`;
  showClockNote();
  keepClockInStep(showClockNote);

  const list = $('#items');
  for (const item of sale.items) {
    const card = new ItemCard(item);
    page.cards.set(item.id, card);
    list.append(card.node);
  }
  stream(`/api/v1/sales/${id}/events`, {
    stock: ({itemId, remaining}) => page.cards.get(itemId)?.setRemaining(remaining),
  }, {onState: setLive});
  for (const card of page.cards.values()) {
    card.resume();
  }
  const startsAt = Date.parse(sale.startsAt);
  const endsAt = Date.parse(sale.endsAt);
  everySecond(() => {
    const now = serverNow();
    for (const card of page.cards.values()) {
      card.render(now);
    }
  }, () => [startsAt, endsAt]);
}

main().catch(() => showPageMessage('Something went wrong loading this page; reload it to try again.'));
