// The original's precheck script against the facade (product "p1", which no sale carries):
// k6 run bench/k6/original/precheck.js
import { check, sleep } from 'k6';
import { precheck } from './common.js';

const SCALE = parseFloat(__ENV.TIME_SCALE || '1');

export const options = { vus: 50, duration: `${Math.max(1, Math.round(10 * SCALE))}s` };

export default function () {
  const res = precheck(`${1 + Math.floor(Math.random() * 999999)}`, 'p1');
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(0.1);
}
