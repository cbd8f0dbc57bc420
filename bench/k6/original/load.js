// The original's load test against the facade: k6 run bench/k6/original/load.js
import { check, sleep } from 'k6';
import { precheck, stage } from './common.js';

export const options = {
  stages: [stage(5, 50), stage(20, 200), stage(10, 0)],
  thresholds: { http_req_duration: ['p(95)<300'], http_req_failed: ['rate<0.01'] },
};

export default function () {
  const res = precheck(__VU % 10 === 0 ? 'force-fail' : `user-${__VU}-${__ITER}`, '1001');
  check(res, { 'accepted (200)': (r) => r.status === 200 });
  sleep(0.1);
}
