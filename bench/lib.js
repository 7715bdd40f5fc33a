// Small helpers shared by the benchmarks: timing, medians and one printed line per figure.
// Benchmarks print figures and ratios against a baseline measured in the same run; they never fail
// a test run, but they exit 1 when a target is missed so `npm run bench` shows it.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function timeIt(fn) {
  const t = now();
  await fn();
  return now() - t;
}

/** Runs fn n times and returns the samples in ms. */
export async function samples(n, fn) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await timeIt(fn));
  return out;
}

const results = [];

/**
 * Prints one figure: `name  value unit  (target op limit)  ok|MISSED`.
 * op is '<=' or '>='; without a target the line only reports.
 */
export function report(name, value, unit, target) {
  let verdict = '';
  let ok = true;
  if (target) {
    ok = target.op === '<=' ? value <= target.limit : value >= target.limit;
    verdict = `  (target ${target.op} ${target.limit}${unit ? ' ' + unit : ''})  ${ok ? 'ok' : 'MISSED'}`;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
  process.stdout.write(`${name.padEnd(58)} ${shown}${unit ? ' ' + unit : ''}${verdict}\n`);
  results.push({ name, value, unit, ok });
  return ok;
}

export function missed() {
  return results.filter((r) => !r.ok);
}
