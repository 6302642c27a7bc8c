import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  meanCI,
  sampleMean,
  sampleMedian,
  sampleSd,
  studentTCdf,
  studentTQuantile,
  welchDiffCI,
} from '../../lib/stats/basics';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

test('t quantiles match published table values', () => {
  // Two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values from standard t tables.
  const table: [number, number, number][] = [
    [0.975, 1, 12.7062],
    [0.975, 2, 4.3027],
    [0.975, 3, 3.1824],
    [0.975, 4, 2.7764],
    [0.975, 9, 2.2622],
    [0.975, 29, 2.0452],
    [0.975, 120, 1.9799],
    [0.995, 4, 4.6041],
    [0.95, 10, 1.8125],
    [0.9, 5, 1.4759],
  ];
  for (const [p, df, t] of table) close(studentTQuantile(p, df), t, 5e-4, `t(${p}, ${df})`);
  close(studentTQuantile(0.975, 1e6), 1.95996, 1e-4, 'large df tends to the normal quantile');
  close(studentTQuantile(0.025, 4), -2.7764, 5e-4, 'lower tail is symmetric');
  assert.equal(studentTQuantile(0.5, 7), 0);
});

test('t CDF: known values and inverse of the quantile', () => {
  close(studentTCdf(0, 3), 0.5, 1e-12, 'cdf(0)');
  close(studentTCdf(1, 1), 0.75, 1e-10, 'Cauchy cdf(1) = 3/4');
  close(studentTCdf(2.7764, 4), 0.975, 1e-4, 'cdf(2.7764, 4)');
  for (const df of [1.5, 3.7, 12.2])
    close(studentTCdf(studentTQuantile(0.9, df), df), 0.9, 1e-9, `roundtrip df=${df}`);
});

test('t quantile rejects bad arguments', () => {
  assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\)/);
  assert.throws(() => studentTQuantile(0.9, 0), /df must be > 0/);
});

test('mean, sd, median and the 95% CI of a mean', () => {
  const x = [2, 4, 4, 4, 5, 5, 7, 9];
  assert.equal(sampleMean(x), 5);
  close(sampleSd(x), Math.sqrt(32 / 7), 1e-12, 'sd');
  assert.equal(sampleMedian(x), 4.5);
  const ci = meanCI([1, 2, 3, 4, 5]);
  // mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445: half-width 2.776445 * 1.581139 / 2.236068 = 1.963243
  close(ci.lo, 3 - 1.963243, 1e-5, 'lo');
  close(ci.hi, 3 + 1.963243, 1e-5, 'hi');
  assert.equal(ci.n, 5);
  const one = meanCI([0.9]);
  assert.ok(Number.isNaN(one.lo) && one.mean === 0.9);
});

test('Welch CI of a difference of means', () => {
  // a: mean 2, var 1 (n=3); b: mean 5, var 4 (n=5)
  const a = [1, 2, 3];
  const b = [3, 3, 5, 7, 7];
  const d = welchDiffCI(a, b);
  assert.equal(d.diff, -3);
  const va = 1 / 3;
  const vb = 4 / 5;
  const df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 4);
  close(d.df, df, 1e-9, 'Welch df');
  const half = studentTQuantile(0.975, df) * Math.sqrt(va + vb);
  close(d.hi, -3 + half, 1e-9, 'hi');
  assert.ok(d.hi < 0 || d.hi > 0);
  const flat = welchDiffCI([1, 1], [1, 1]);
  assert.deepEqual([flat.lo, flat.hi], [0, 0]);
});
