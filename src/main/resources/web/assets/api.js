// Talking to the API as a buyer: JSON in and out, problem details, the buyer's id and what this
// browser remembers of the buyer's orders (docs/adr/0050).

const BUYER_KEY = 'flashsale.buyer';
const ORDERS_KEY = 'flashsale.orders.v1';
export const BUYER_ID = /^[A-Za-z0-9._:@-]{1,64}$/;

/** The answer of a JSON request: {status, ok, body, retryAfter} (body null when not JSON). */
export async function request(method, path, {body, headers = {}} = {}) {
  const init = {method, headers: {Accept: 'application/json', ...headers}, cache: 'no-store'};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let parsed = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      parsed = await response.json();
    } catch (e) {
      parsed = null;
    }
  }
  const retry = Number(response.headers.get('Retry-After'));
  return {status: response.status, ok: response.ok, body: parsed,
    retryAfter: Number.isFinite(retry) && retry > 0 ? Math.min(retry, 30) : 1};
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A key no other request of this buyer has: 32 hex digits (works without a secure context too). */
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function readJson(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(key));
    return value ?? fallback;
  } catch (e) {
    return fallback;
  }
}

function writeJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    // private mode or full: the page still works, it only forgets on reload
  }
}

/** The buyer this browser buys as: remembered, or a new one made up. */
export function buyer() {
  let id = null;
  try {
    id = localStorage.getItem(BUYER_KEY);
  } catch (e) {
    id = null;
  }
  if (!id || !BUYER_ID.test(id)) {
    id = `buyer-${newKey().slice(0, 6)}`;
    setBuyer(id);
  }
  return id;
}

export function setBuyer(id) {
  try {
    localStorage.setItem(BUYER_KEY, id);
  } catch (e) {
    // see writeJson
  }
}

/**
 * What this browser knows of the buyer's purchase of an item: {key, orderId?}. The key is made
 * before the first request and kept until the order is known to have failed, so a double click, a
 * retry or a reload sends the same Idempotency-Key and names the same order.
 */
export function purchase(buyerId, itemId) {
  return readJson(ORDERS_KEY, {})[`${buyerId}|${itemId}`] || null;
}

export function savePurchase(buyerId, itemId, value) {
  const all = readJson(ORDERS_KEY, {});
  const slot = `${buyerId}|${itemId}`;
  if (value) {
    all[slot] = value;
  } else {
    delete all[slot];
  }
  writeJson(ORDERS_KEY, all);
}

/** The detail of a problem-details answer, or a line for an answer without one. */
export function detailOf(answer) {
  return answer.body?.detail || `The server answered ${answer.status}`;
}

/**
 * A Server-Sent Events stream that comes back by itself. The browser reconnects on its own after a
 * dropped connection (sending Last-Event-ID). After a refusal (503 when the instance has all the
 * streams it takes, 404, or any answer that is not a stream) it gives up; then `refused()` is asked
 * whether to go on (it may look at why), and if so a new stream is opened after a few seconds,
 * naming the last event in the lastEventId parameter. `onState` gets 'live', 'reconnecting' or
 * 'closed'.
 */
export function stream(path, handlers, {onState = () => {}, refused = async () => true} = {}) {
  let source = null;
  let lastEventId = null;
  let stopped = false;
  let failures = 0;
  const open = () => {
    if (stopped) {
      return;
    }
    const url = lastEventId ? `${path}?lastEventId=${encodeURIComponent(lastEventId)}` : path;
    source = new EventSource(url);
    source.onopen = () => {
      failures = 0;
      onState('live');
    };
    for (const [name, handle] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => {
        if (event.lastEventId) {
          lastEventId = event.lastEventId;
        }
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        handle(data);
      });
    }
    source.onerror = async () => {
      if (stopped) {
        return;
      }
      onState('reconnecting');
      if (source.readyState !== EventSource.CLOSED) {
        return; // the browser reconnects by itself
      }
      failures++;
      let goOn = true;
      try {
        goOn = await refused();
      } catch (e) {
        goOn = true;
      }
      if (!goOn) {
        stopped = true;
        onState('closed');
        return;
      }
      const wait = Math.min(30000, 2000 * 2 ** Math.min(failures - 1, 4)) * (0.75 + Math.random() / 2);
      setTimeout(open, wait);
    };
  };
  open();
  return {
    close() {
      stopped = true;
      if (source) {
        source.close();
      }
      onState('closed');
    },
  };
}
