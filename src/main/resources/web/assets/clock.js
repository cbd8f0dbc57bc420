// The server's clock, as the pages count down by it (docs/adr/0050).
//
// A few GET /api/v1/time round trips; the one that took least says the server's time best (half its
// round trip after the server read its clock). From then on the page adds the time passed on
// performance.now(), a monotonic clock, so neither a wrong device clock nor one that jumps moves the
// countdown. Read again every few minutes, and when the page comes back to the foreground (a
// sleeping phone may not count the time it slept).

const SAMPLES = 3;
const RESYNC_MS = 5 * 60 * 1000;

let base = null; // {server: epoch ms, perf: performance.now() at that moment}

async function sample() {
  const sent = performance.now();
  const response = await fetch('/api/v1/time', {headers: {Accept: 'application/json'}, cache: 'no-store'});
  const received = performance.now();
  if (!response.ok) {
    throw new Error(`GET /api/v1/time answered ${response.status}`);
  }
  const body = await response.json();
  const roundTrip = received - sent;
  return {roundTrip, server: body.epochMillis + roundTrip / 2, perf: received};
}

/** Learns the server's time; resolves once it is known (falls back to the device's clock). */
export async function syncClock() {
  let best = null;
  for (let i = 0; i < SAMPLES; i++) {
    try {
      const s = await sample();
      if (!best || s.roundTrip < best.roundTrip) {
        best = s;
      }
    } catch (e) {
      // try the next sample; the device's clock is the last resort
    }
  }
  if (best) {
    base = {server: best.server, perf: best.perf};
  } else if (!base) {
    base = {server: Date.now(), perf: performance.now(), guessed: true};
  }
  return base;
}

/** The server's time now, in epoch milliseconds. */
export function serverNow() {
  if (!base) {
    return Date.now();
  }
  return base.server + (performance.now() - base.perf);
}

/** How far the device's clock is ahead of the server's (negative: behind), in milliseconds. */
export function deviceSkew() {
  return base && !base.guessed ? Date.now() - serverNow() : 0;
}

/** Keeps the clock in step: again every few minutes and when the page is shown again. */
export function keepClockInStep(onSynced) {
  const again = () => syncClock().then(onSynced, () => {});
  setInterval(again, RESYNC_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
      again();
    }
  });
}

/** "0:05", "12:03", "1:02:03", "3 d 4 h": the time left until something. */
export function formatLeft(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => String(n).padStart(2, '0');
  if (days > 0) {
    return `${days} d ${hours} h`;
  }
  if (hours > 0) {
    return `${hours}:${two(minutes)}:${two(seconds)}`;
  }
  return `${minutes}:${two(seconds)}`;
}

/** "1 h 5 min ahead of", "3 s behind": the note on a device clock that is off. */
export function formatSkew(ms) {
  const abs = Math.abs(ms);
  const direction = ms > 0 ? 'ahead of' : 'behind';
  const minutes = Math.round(abs / 60000);
  if (minutes >= 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return `${h} h${m ? ` ${m} min` : ''} ${direction}`;
  }
  if (minutes >= 1) {
    return `${minutes} min ${direction}`;
  }
  return `${Math.round(abs / 1000)} s ${direction}`;
}

/** Shows in `note` how far off the device's clock is, when it is off by 2 s or more; hides it otherwise. */
export function noteDeviceSkew(note) {
  const skew = deviceSkew();
  note.hidden = Math.abs(skew) < 2000;
  if (!note.hidden) {
    note.textContent = `Your device's clock is ${formatSkew(skew)} the shop's. Countdowns here follow the shop's clock.`;
  }
}

/** Calls tick() at every second of the server's clock, and at each of the instants given. */
export function everySecond(tick, instants = () => []) {
  const run = () => {
    tick();
    const now = serverNow();
    let wait = 1000 - (now % 1000) + 5;
    for (const at of instants()) {
      if (at > now && at - now < wait) {
        wait = at - now + 1;
      }
    }
    setTimeout(run, wait);
  };
  run();
}
