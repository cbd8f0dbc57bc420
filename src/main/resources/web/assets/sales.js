// The home page, /: the sales open now and to come, each with its countdown by the server's clock
// (docs/adr/0050). The list is read again every minute and whenever a sale opens or ends.

import {everySecond, formatLeft, keepClockInStep, noteDeviceSkew, serverNow, syncClock} from './clock.js';
import {detailOf, request} from './api.js';

const $ = (selector, root = document) => root.querySelector(selector);
const REFRESH_MS = 60 * 1000;

let sales = [];
const nodes = new Map();

const showClockNote = () => noteDeviceSkew($('#clock-note'));

function stateOf(sale, now) {
  const startsAt = Date.parse(sale.startsAt);
  const endsAt = Date.parse(sale.endsAt);
  if (now < startsAt) {
    return {phase: 'before', text: `Opens in ${formatLeft(startsAt - now)}`};
  }
  if (now < endsAt) {
    return {phase: 'open', text: `Open now · ends in ${formatLeft(endsAt - now)}`};
  }
  return {phase: 'ended', text: 'Ended'};
}

function render() {
  const now = serverNow();
  for (const sale of sales) {
    const node = nodes.get(sale.id);
    const state = stateOf(sale, now);
    const line = $('.sale-state', node);
    line.textContent = state.text;
    line.dataset.phase = state.phase;
    node.dataset.phase = state.phase;
  }
}

async function load() {
  const answer = await request('GET', '/api/v1/sales');
  const list = $('#sales');
  list.setAttribute('aria-busy', 'false');
  if (!answer.ok) {
    $('#page-message').textContent = `The sales could not be loaded: ${detailOf(answer)}`;
    $('#page-message').hidden = false;
    return;
  }
  $('#page-message').hidden = true;
  sales = answer.body.sales;
  nodes.clear();
  list.replaceChildren();
  for (const sale of sales) {
    const node = $('#sale-template').content.firstElementChild.cloneNode(true);
    const link = $('.sale-link', node);
    link.href = `/sales/${sale.id}`;
    link.textContent = sale.name;
    const units = sale.items.reduce((sum, item) => sum + item.totalStock, 0);
    $('.sale-items', node).textContent = sale.items.length === 1
      ? `${sale.items[0].name}: ${units} units`
      : `${sale.items.length} items, ${units} units`;
    nodes.set(sale.id, node);
    list.append(node);
  }
  $('#empty').hidden = sales.length > 0;
  render();
}

async function main() {
  await Promise.all([syncClock(), load()]);
  showClockNote();
  keepClockInStep(showClockNote);
  let lastPhases = '';
  everySecond(() => {
    render();
    const phases = sales.map((sale) => stateOf(sale, serverNow()).phase).join();
    if (lastPhases && phases !== lastPhases) {
      load();
    }
    lastPhases = phases;
  }, () => sales.flatMap((sale) => [Date.parse(sale.startsAt), Date.parse(sale.endsAt)]));
  setInterval(load, REFRESH_MS);
}

main().catch(() => {
  $('#page-message').textContent = 'Something went wrong loading this page; reload it to try again.';
  $('#page-message').hidden = false;
});
