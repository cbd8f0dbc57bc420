// The original's duplicate and force-fail test against the facade: k6 run bench/k6/original/duplicate.js
import { check, sleep } from 'k6';
import { precheck, showcaseBuyer, stage } from './common.js';

export const options = {
  stages: [stage(5, 50), stage(20, 200), stage(10, 0)],
  thresholds: { http_req_duration: ['p(95)<300'], http_req_failed: ['rate<0.15'] },
};

export default function () {
  const res = precheck(showcaseBuyer(), '1001');
  check(res, {
    'status is 200, 409 or 429': (r) => [200, 409, 429].includes(r.status),
    'accepted (200)': (r) => r.status === 200,
    'already purchased (409, USER_ALREADY_PURCHASED)': (r) => r.status === 409 && r.body.includes('USER_ALREADY_PURCHASED'),
  });
  sleep(0.05 + Math.random() * 0.05);
}
