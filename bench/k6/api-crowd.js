// This project's own API (POST /api/v1/orders) under a crowd without think time, for users who
// have k6 (https://k6.io; not installable on the project's machines, so CI runs the Gatling twin
// instead: bench/gatling, ApiCrowdSimulation, same stages, checks and threshold). Not the original
// system's showcase: bench/k6/original/showcase.js replays that one against the facade.
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e ITEM_ID=1 bench/k6/api-crowd.js
//
// Needs a sale that is open and warmed up (see README "Try it" or bench/api-crowd.sh, which
// creates one). Environment: BASE_URL, ITEM_ID, BUYERS (ids drawn from, default 200000),
// P95_MS (threshold, default 50), TIME_SCALE (multiplies every stage, default 1), THINK_MS.
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const ITEM_ID = parseInt(__ENV.ITEM_ID || '1', 10);
const BUYERS = parseInt(__ENV.BUYERS || '200000', 10);
const P95_MS = parseInt(__ENV.P95_MS || '50', 10);
const SCALE = parseFloat(__ENV.TIME_SCALE || '1');
const THINK_MS = parseInt(__ENV.THINK_MS || '0', 10);

const stage = (seconds, target) => ({ duration: `${Math.max(1, Math.round(seconds * SCALE))}s`, target });

export const options = {
  stages: [stage(30, 100), stage(60, 100), stage(30, 300), stage(60, 300), stage(30, 0)],
  thresholds: {
    http_req_duration: [`p(95)<${P95_MS}`],
    checks: ['rate>=0.99'],
  },
};

export default function () {
  const userId = `k${Math.floor(Math.random() * BUYERS)}`;
  const res = http.post(`${BASE_URL}/api/v1/orders`,
    JSON.stringify({ itemId: ITEM_ID, userId, quantity: 1 }),
    { headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
  check(res, {
    'status is 202, 409 or 429': (r) => r.status === 202 || r.status === 409 || r.status === 429,
    '202 carries an orderId': (r) => r.status !== 202 || !!r.json('orderId'),
  });
  if (THINK_MS > 0) {
    sleep(THINK_MS / 1000);
  }
}
