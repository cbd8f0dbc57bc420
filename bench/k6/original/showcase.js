// The original's showcase (multi_worker) against the facade: k6 run bench/k6/original/showcase.js
import { check, sleep } from 'k6';
import { precheck, showcaseBuyer, stage } from './common.js';

export const options = {
  stages: [stage(5, 100), stage(20, 300), stage(10, 0)],
  thresholds: { http_req_duration: ['p(95)<300'], http_req_failed: ['rate<0.10'] },
};

export default function () {
  const res = precheck(showcaseBuyer(), '1001');
  check(res, {
    'accepted (200)': (r) => r.status === 200,
    'already purchased (409)': (r) => r.status === 409,
    'out of stock (409)': (r) => r.status === 409,
    'rate limited (429)': (r) => r.status === 429,
  });
  sleep(0.05);
}
