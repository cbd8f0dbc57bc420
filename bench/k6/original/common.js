// Shared by the k6 replays of the original system's load scripts (the Gatling twins are in
// bench/gatling, io.flashsale.bench.gatling.original; README "For users of the original system").
// Environment: BASE_URL (default http://127.0.0.1:8080), TIME_SCALE (multiplies every stage, default
// 1), PRODUCT (overrides the script's product id).
import http from 'k6/http';

export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const SCALE = parseFloat(__ENV.TIME_SCALE || '1');

export const stage = (seconds, target) => ({ duration: `${Math.max(1, Math.round(seconds * SCALE))}s`, target });

// The showcase's buyer mix: a new buyer each iteration, every 7th the VU's repeat buyer, every 50th force-fail.
export function showcaseBuyer() {
  if (__ITER % 50 === 0) {
    return 'force-fail';
  }
  return __ITER % 7 === 0 ? `user-${__VU}-fixed` : `user-${__VU}-${__ITER}`;
}

export function precheck(userId, product, headers = {}) {
  return http.post(`${BASE_URL}/flashsale/precheck`,
    JSON.stringify({ user_id: userId, product_id: __ENV.PRODUCT || product }),
    { headers: Object.assign({ 'Content-Type': 'application/json' }, headers) });
}
