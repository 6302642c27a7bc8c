import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chiSquareSf, normalCdf } from '../../lib/stats/basics';
import { pairedTost, pairedTPower } from '../../lib/stats/equivalence';
import { holmAdjust } from '../../lib/stats/holm';
import { pairBySeed, pairedTTest } from '../../lib/stats/paired-test';
import { kaplanMeierMedian, logRankTest, type TimeToEvent } from '../../lib/stats/survival';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

// Student (1908), "The probable error of a mean", Biometrika 6:1–25: extra hours of sleep of the
// same 10 patients under two drugs (Cushny & Peebles' data; R's `sleep` dataset). The paired
// t-test of drug 1 against drug 2, as printed by R's `t.test(extra ~ group, data = sleep,
// paired = TRUE)` in the dataset's documentation: t = −4.0621, df = 9, p = 0.002833, mean
// difference −1.58, 95% CI [−2.4599, −0.7001].
const DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

test('paired t-test reproduces Student’s sleep example', () => {
  const r = pairedTTest(DRUG_1, DRUG_2);
  assert.equal(r.n, 10);
  assert.equal(r.df, 9);
  close(r.meanDiff, -1.58, 1e-12, 'mean difference');
  close(r.t, -4.0621, 1e-4, 't');
  close(r.p, 0.002833, 1e-6, 'p');
  close(r.lo, -2.4599, 1e-4, 'CI low');
  close(r.hi, -0.7001, 1e-4, 'CI high');
  assert.throws(() => pairedTTest([1, 2], [1]), /pair up one to one, got 2 and 1/);
  const one = pairedTTest([1], [0]);
  assert.ok(Number.isNaN(one.p), 'one pair has no test');
  const constant = pairedTTest([2, 3, 4], [1, 2, 3]);
  assert.equal(constant.p, 0, 'identical non-zero differences are decisive');
});

test('pairBySeed keeps the seeds both sides have, in order', () => {
  const a = new Map([
    [3, 0.9],
    [1, 0.8],
    [0, Number.NaN],
  ]);
  const b = new Map([
    [1, 0.7],
    [3, 0.6],
    [0, 0.5],
    [7, 0.4],
  ]);
  assert.deepEqual(pairBySeed(a, b), [
    { seed: 1, a: 0.8, b: 0.7 },
    { seed: 3, a: 0.9, b: 0.6 },
  ]);
});

test('Holm adjustment reproduces the worked example of the Holm–Bonferroni method', () => {
  // Four hypotheses with p = 0.01, 0.04, 0.03, 0.005 at α = 0.05 (the example of the
  // "Holm–Bonferroni method" article of the English Wikipedia): sorted 0.005, 0.01, 0.03, 0.04
  // are compared with α/4, α/3, α/2, α/1; the first two are rejected, the procedure stops at 0.03.
  // Adjusted p-values: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, max(1·0.04, 0.06) = 0.06.
  const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
  for (const [i, e] of [0.03, 0.06, 0.06, 0.02].entries()) close(adjusted[i], e, 1e-12, `adjusted ${i}`);
  assert.deepEqual(
    adjusted.map((p) => p <= 0.05),
    [true, false, false, true],
  );
  const withGap = holmAdjust([0.02, Number.NaN, 0.5]);
  close(withGap[0], 0.04, 1e-12, 'm counts finite p-values only');
  assert.ok(Number.isNaN(withGap[1]));
  assert.equal(holmAdjust([0.6, 0.7])[1], 1, 'capped at 1');
});

test('paired TOST on the sleep data (the paired example of the TOSTER vignette, bounds ±0.5)', () => {
  // Caldwell's TOSTER vignette "IntroTOSTt" runs a paired TOST on R's sleep data with equivalence
  // bounds of ±0.5 hours. Our numbers, written out by hand from the paired t above (se =
  // 1.58 / 4.0621 = 0.38896, df 9): t_L = (−1.58 + 0.5)/se = −2.7766, p_L = 0.98924;
  // t_U = (−1.58 − 0.5)/se = −5.3476, p_U = 0.000232; TOST p = 0.98924: not equivalent; the
  // 90% CI is −1.58 ± 1.8331·se = [−2.2930, −0.8670].
  const diffs = DRUG_1.map((x, i) => x - DRUG_2[i]);
  const r = pairedTost(diffs, -0.5, 0.5);
  close(r.tLower, -2.7766, 1e-4, 't lower');
  close(r.tUpper, -5.3476, 1e-4, 't upper');
  close(r.pLower, 0.98924, 1e-5, 'p lower');
  close(r.pUpper, 0.000232, 1e-6, 'p upper');
  close(r.p, 0.98924, 1e-5, 'TOST p');
  close(r.lo, -2.293, 1e-3, '90% CI low');
  close(r.hi, -0.867, 1e-3, '90% CI high');
  assert.equal(r.equivalent, false);
  // Bounds of ±2.5 hours enclose that interval: equivalent, p = P(T9 > (−1.58 + 2.5)/se) = 0.02112.
  const wide = pairedTost(diffs, -2.5, 2.5);
  assert.equal(wide.equivalent, true);
  close(wide.p, 0.02112, 1e-5, 'TOST p with ±2.5');
  assert.throws(() => pairedTost(diffs, 1, -1), /lower bound 1 must be below upper bound -1/);
});

test('power of the paired t-test matches the noncentral t', () => {
  // Exact values of P(|T'| > t_0.975) for the noncentral t (scipy.stats.nct, our own computation):
  // n = 10, δ = 1/(1/√10): 0.80310; n = 5, effect 2, sd 1: 0.90888.
  close(pairedTPower(10, 1, 1), 0.8031, 2e-4, 'n=10 d=1');
  close(pairedTPower(5, 1, 2), 0.90888, 2e-4, 'n=5 d=2');
  close(pairedTPower(5, 0.01, 0.01), 0.40139, 2e-4, 'low power');
  close(pairedTPower(8, 1, 0), 0.05, 1e-3, 'no effect: the level');
  assert.ok(Number.isNaN(pairedTPower(1, 1, 1)));
});

test('normal and chi-square tails', () => {
  close(normalCdf(1.959964), 0.975, 1e-6, 'Φ(1.96)');
  close(normalCdf(-1), 0.158655, 1e-6, 'Φ(−1)');
  close(chiSquareSf(3.841459, 1), 0.05, 1e-6, 'χ²₁ 95% point');
  close(chiSquareSf(10, 3), 0.018566, 1e-6, 'χ²₃ at 10');
});

// Freireich et al. (1963), 6-MP vs placebo in acute leukaemia: weeks in remission of 21 patients
// each; "+" = censored. The textbook example of Kleinbaum & Klein, "Survival Analysis: A
// Self-Learning Text" (ch. 2): log-rank χ² = 16.79 (p < 0.0001) with O = 9, E = 19.25 in the 6-MP
// group and O = 21, E = 10.75 in the placebo group; Kaplan–Meier medians 23 and 8 weeks.
const SIX_MP: TimeToEvent[] = [
  ...[6, 6, 6, 7, 10, 13, 16, 22, 23].map((time) => ({ time, event: true })),
  ...[6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35].map((time) => ({ time, event: false })),
];
const PLACEBO: TimeToEvent[] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map(
  (time) => ({ time, event: true }),
);

test('log-rank test and Kaplan–Meier medians reproduce the leukaemia remission example', () => {
  const r = logRankTest(SIX_MP, PLACEBO);
  assert.equal(r.observedA, 9);
  assert.equal(r.observedB, 21);
  close(r.expectedA, 19.25, 0.01, 'E(6-MP)');
  close(r.expectedB, 10.75, 0.01, 'E(placebo)');
  close(r.chiSquare, 16.79, 0.01, 'χ²');
  close(r.p, 4.17e-5, 1e-6, 'p');
  assert.equal(r.direction, -1, '6-MP patients reach the event later');
  assert.equal(kaplanMeierMedian(SIX_MP), 23);
  assert.equal(kaplanMeierMedian(PLACEBO), 8);
});

test('censoring: runs that never reach the target are not counted as reaching it at the budget', () => {
  // Three runs of kind A reach the target at steps 100-120; kind B's three runs all stop at 300
  // without reaching it. Counting B at its last step would make it "reach" at 300; censored,
  // B has no events at all and no median, and the log-rank test still says A is faster.
  const a: TimeToEvent[] = [100, 110, 120].map((time) => ({ time, event: true }));
  const b: TimeToEvent[] = [300, 300, 300].map((time) => ({ time, event: false }));
  assert.equal(kaplanMeierMedian(b), null);
  const r = logRankTest(a, b);
  assert.equal(r.observedB, 0);
  assert.equal(r.direction, 1);
  assert.ok(r.p < 0.05, `p = ${r.p}`);
  // The same runs counted as events at 300 would still differ, but with B's median at 300.
  assert.equal(kaplanMeierMedian(b.map((o) => ({ ...o, event: true }))), 300);
  assert.ok(Number.isNaN(logRankTest(b, b).p), 'no event at all: no test');
});
