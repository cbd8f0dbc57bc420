// The original's stress script against the facade: k6 run bench/k6/original/stress.js
import { precheck, stage } from './common.js';

export const options = { stages: [stage(5, 200), stage(15, 200), stage(5, 0)] };

export default function () {
  const userId = `user_${Math.floor(Math.random() * 1000000)}`;
  precheck(userId, '1001', { 'X-User-ID': userId });
}
