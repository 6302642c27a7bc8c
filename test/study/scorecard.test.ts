import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type ClaimComparison,
  combineComparisons,
  comparisonOutcome,
  decideComparisons,
  pairedComparison,
  timeToEventComparison,
} from '../../lib/study/claims/decision';
import { plateauNotes, scorecard } from '../../lib/study/claims/scorecard';
import { isCollapsed } from '../../lib/study/run/metrics';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { validateSpec } from '../../lib/study/spec/schema';
import { fakeExecutor } from './fake-executor';

const spec = (label: string, facets: Record<string, string> = {}, deciding = true) => ({
  label,
  facets,
  metric: 'm',
  supportsWhen: 'higher' as const,
  deciding,
  subjectName: 'batch',
  referenceName: 'none',
});
const seeds = (values: number[]) => new Map(values.map((v, i) => [i, v]));

test('a comparison: significant in the claim direction supports, the other way is the opposite, inside the margin is equivalent', () => {
  // Paired by seed: +3 points on every seed but with seed-to-seed spread.
  const better = pairedComparison(
    spec('a'),
    seeds([0.9, 0.92, 0.88, 0.91, 0.93]),
    seeds([0.87, 0.885, 0.852, 0.877, 0.9]),
    'difference',
    0.01,
  );
  assert.equal(comparisonOutcome(better), 'supports');
  assert.match(better.effectText, /^\+3\.\d points \[/);
  const worse = pairedComparison(
    spec('b'),
    seeds([0.87, 0.885, 0.852, 0.877, 0.9]),
    seeds([0.9, 0.92, 0.88, 0.91, 0.93]),
    'difference',
    0.01,
  );
  assert.equal(comparisonOutcome(worse), 'opposite');
  const same = pairedComparison(
    spec('c'),
    seeds([0.9, 0.92, 0.88, 0.91, 0.93]),
    seeds([0.901, 0.919, 0.881, 0.909, 0.931]),
    'difference',
    0.01,
  );
  assert.equal(comparisonOutcome(same), 'equivalent');
  const noisy = pairedComparison(
    spec('d'),
    seeds([0.9, 0.8, 0.95, 0.85, 0.9]),
    seeds([0.85, 0.9, 0.88, 0.9, 0.86]),
    'difference',
    0.01,
  );
  assert.equal(comparisonOutcome(noisy), 'inconclusive');
  assert.ok(noisy.power > 0 && noisy.power < 0.5, `power ${noisy.power}`);
  const few = pairedComparison(
    spec('e'),
    seeds([0.9, 0.92, 0.88, 0.91]),
    seeds([0.8, 0.82, 0.78, 0.81]),
    'difference',
    0.01,
  );
  assert.equal(comparisonOutcome(few), 'insufficient data', 'fewer than 5 paired seeds decide nothing');
  // Pairing is by seed: seeds only one side has are dropped.
  const partial = pairedComparison(
    spec('f'),
    new Map([
      [0, 1],
      [1, 2],
      [7, 3],
    ]),
    new Map([
      [1, 1],
      [7, 1],
      [9, 5],
    ]),
    'difference',
    0.01,
  );
  assert.equal(partial.n, 2);
});

test('Holm inside a claim: a comparison significant alone can lose significance in a family', () => {
  const mk = (d: number[]) =>
    pairedComparison(spec('x'), seeds(d.map((x) => 0.9 + x)), seeds(d.map(() => 0.9)), 'difference', 0.001);
  // Raw p ≈ 0.03: significant alone, not after Holm with two other comparisons at p ≈ 0.4-0.9.
  const alone = mk([0.01, 0.03, 0.002, 0.02, 0.012]);
  assert.ok(alone.p < 0.05 && alone.p > 0.01, `p ${alone.p}`);
  assert.equal(decideComparisons([alone])[0].outcome, 'supports');
  const family = decideComparisons([
    alone,
    mk([0.01, -0.01, 0.002, -0.003, 0.001]),
    mk([0.004, -0.02, 0.01, -0.01, 0.02]),
  ]);
  assert.ok(family[0].pAdjusted >= 3 * alone.p - 1e-12 || family[0].pAdjusted === 1);
  assert.equal(family[0].outcome, 'inconclusive');
});

test('steps to target with censored runs use the log-rank test, not the last step', () => {
  const reached = new Map([0, 1, 2, 3, 4].map((s) => [s, { time: 100 + 5 * s, event: true }]));
  const never = new Map([0, 1, 2, 3, 4].map((s) => [s, { time: 300, event: false }]));
  const c = timeToEventComparison({ ...spec('steps'), supportsWhen: 'lower' }, reached, never, Math.log(1.1));
  assert.equal(c.test, 'log-rank');
  assert.ok(c.p < 0.05, `p ${c.p}`);
  assert.match(c.effectText, /beyond the budget; reached 5\/5 vs 0\/5/);
  assert.equal(comparisonOutcome(c), 'supports', 'the subject reaches the target sooner');
  // Seconds to target: the Kaplan–Meier median to 3 significant digits, not 16.
  const seconds = new Map([0, 1, 2, 3, 4].map((s) => [s, { time: 40.074080303 + s / 3, event: true }]));
  const inSeconds = timeToEventComparison({ ...spec('s'), supportsWhen: 'lower' }, seconds, never, 0.1);
  assert.match(inSeconds.effectText, /^KM medians 40\.7 vs beyond the budget; reached 5\/5 vs 0\/5$/);
  const both = timeToEventComparison(
    { ...spec('steps'), supportsWhen: 'lower' },
    reached,
    reached,
    Math.log(1.1),
  );
  assert.equal(both.test, 'paired t', 'no censoring: paired log steps');
  assert.equal(comparisonOutcome(both), 'equivalent');
});

const decided = (facets: Record<string, string>, outcome: ClaimComparison['outcome'], deciding = true) => {
  const c = pairedComparison(
    spec(`${facets.architecture}: ${facets.metric}`, facets, deciding),
    seeds([1, 2, 3, 4, 5]),
    seeds([1, 2, 3, 4, 5]),
    'difference',
    1,
  );
  return { ...c, outcome };
};

test('a verdict: holds / does not hold / inconclusive / depends on the separating facet / not tested', () => {
  const a = (arch: string, metric: string, o: ClaimComparison['outcome'], d = true) =>
    decided({ architecture: arch, metric }, o, d);
  assert.equal(
    combineComparisons([
      a('mlp', 'x', 'supports'),
      a('vgg', 'x', 'supports'),
      a('vgg', 'y', 'opposite', false),
    ]).verdict,
    'holds',
    'secondary comparisons do not decide',
  );
  assert.equal(
    combineComparisons([a('mlp', 'x', 'equivalent'), a('vgg', 'x', 'opposite')]).verdict,
    'does not hold',
  );
  const open = combineComparisons([a('mlp', 'x', 'supports'), a('vgg', 'x', 'inconclusive')]);
  assert.equal(open.verdict, 'inconclusive');
  assert.match(open.explanation, /not enough evidence either way for vgg: x \(power \d+%\)/);
  const byArch = combineComparisons([
    a('mlp', 'x', 'supports'),
    a('mlp', 'y', 'supports'),
    a('vgg', 'x', 'equivalent'),
    a('vgg', 'y', 'opposite'),
  ]);
  assert.equal(byArch.verdict, 'depends');
  assert.equal(byArch.dependsOn, 'architecture: holds for mlp; not for vgg');
  assert.equal(combineComparisons([a('mlp', 'x', 'insufficient data')]).verdict, 'not tested');
});

test('collapse: chance accuracy or one predicted class is a failure', () => {
  assert.equal(isCollapsed(0.105, 0.1, 0.3), true, 'within 2 points of chance');
  assert.equal(isCollapsed(0.5, 0.1, 0.97), true, 'one class takes 97% of the predictions');
  assert.equal(isCollapsed(0.5, 0.1, 0.4), false);
  assert.equal(isCollapsed(null, 0.1, null), false);
});

test('scorecard on constructed results: verdicts follow the numbers', async () => {
  // The fake executor: batch norm is more accurate and faster; no norm diverges at init 5 and
  // collapses at init 10, and its accuracy falls off faster away from lr 0.1; layer norm never
  // reaches the target (censored); batch norm loses 0.1 at batch 4, group norm does not; batch
  // norm's steps cost 1.3×, like every other kind's.
  const smoke = profileSpec('smoke');
  const five = [0, 1, 2, 3, 4];
  const s = validateSpec({
    ...smoke,
    experiments: smoke.experiments.map((e) => {
      if (e.name === 'lr') return { ...e, seeds: [100, 101, 102, 103, 104] };
      if (e.name === 'init') return { ...e, initScales: [0.5, 1, 10], seeds: five };
      if (e.name === 'overhead')
        return { ...e, seeds: five, overhead: { rounds: 3, stepsPerRound: 3, warmupSteps: 1 } };
      if (e.name === 'mechanism') return { ...e, seeds: five };
      return { ...e, seeds: five };
    }),
  });
  const dir = mkdtempSync(join(tmpdir(), 'normlab-score-'));
  const { records, pending } = await runStudy({ spec: s, outDir: dir, executor: fakeExecutor() });
  assert.equal(pending, 0, 'every tuned rate was resolved');
  const card = scorecard(s, records);
  assert.deepEqual(
    card.map((c) => c.id),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  // A claim under revision keeps what its comparisons compute in `revision`: that is tested here.
  const v = Object.fromEntries(
    card.map((c) => [
      c.id,
      {
        ...c,
        verdict: c.revision?.computedVerdict ?? c.verdict,
        dependsOn: c.revision ? c.revision.computedDependsOn : c.dependsOn,
      },
    ]),
  );
  assert.equal(v[1].verdict, 'holds', v[1].explanation);
  // Fake runs: 10 steps per epoch, 2 evaluations per epoch (every 5 steps), medians of 8-24 steps.
  assert.match(
    v[1].notes.join('\n'),
    /mlp: validation every 5 steps = \d+\.\d% of the median steps to target \d+ \(coarser than the 5% the design asks for\)/,
  );
  // Loss AUC and the absolute loss jitter are lower with batch norm (the relative roughness, shown
  // only, is the same).
  assert.equal(v[2].verdict, 'holds', v[2].explanation);
  assert.ok(v[2].comparisons.some((c) => !c.deciding && c.metric === 'relative loss roughness'));
  assert.match(
    v[2].sentence,
    // One clause per measure, its architectures joined.
    /^Holds: batch norm’s loss AUC is 0\.\d\d× no norm’s on the MLP, 0\.\d\d× on the VGG; batch norm’s loss jitter is 0\.\d\d× no norm’s on the MLP, 0\.\d\d× on the VGG\.$/,
  );
  // Claim 3 is decided on the train–test gap, with test accuracy beside it.
  assert.ok(v[3].comparisons.some((c) => c.deciding && c.metric === 'train–test gap'));
  assert.ok(v[3].comparisons.some((c) => !c.deciding && c.metric === 'test accuracy'));
  assert.equal(v[3].verdict, 'holds', v[3].explanation);
  assert.match(
    v[3].notes.join('\n'),
    /mlp: best kind batch, mean test accuracy 0\.8\d\d \(the full profile's floor 0\.88: not met\)/,
  );
  assert.ok(
    v[3].comparisons.some((c) => !c.deciding && /shared rate/.test(c.label)),
    'the shared-rate view is shown',
  );
  assert.equal(v[4].verdict, 'holds', v[4].explanation);
  assert.match(v[4].notes.join('\n'), /mlp\/none: \d+ runs, .* \d+ diverged, 5 collapsed/);
  assert.equal(v[5].verdict, 'holds', v[5].explanation);
  assert.match(
    v[5].notes.join('\n'),
    /mlp\/batch \(tuning stage\): best rate 0\.3 .*largest stable rate 0\.3, within 2 points of the best: 0\.03, 0\.3 \(1\.0 decades\)/,
  );
  assert.equal(v[6].verdict, 'holds', v[6].explanation);
  assert.ok(v[6].comparisons.some((c) => c.test === 'log-rank' && c.reference.name === 'layer'));
  assert.equal(v[7].verdict, 'holds', v[7].explanation);
  assert.match(
    v[7].notes.join('\n'),
    /the cost is normalization’s in general, not batch norm’s in particular/,
  );
  assert.match(v[7].notes.join('\n'), /timing conditions: 1-minute load average/);
  assert.equal(v[8].verdict, 'holds', v[8].explanation);
  assert.ok(v[8].comparisons.some((c) => c.subject.name === 'batch (population statistics)'));
  // Batch norm has less gradient shift than none, noisy batch norm more and slower training.
  assert.equal(v[9].verdict, 'holds', v[9].explanation);
  for (const c of card) assert.ok(c.rule.length > 0 && c.statement.length > 0);
  assert.ok(v[8].references.some((r) => r.values.BN === 0.347 && r.values.GN === 0.241));
  assert.ok(v[3].references.some((r) => r.values['2-conv+BN'] === 0.934));
});

test('plateau check: the gain over the last two epochs, flagged for the no-norm baseline', () => {
  const run = (norm: string, acc: number[]) =>
    ({
      config: { arch: 'mlp', norm },
      metrics: { diverged: false },
      history: { epochs: acc.map((valAccuracy, i) => ({ epoch: i + 1, valAccuracy })) },
    }) as never;
  const notes = plateauNotes([
    run('none', [0.8, 0.85, 0.86, 0.862]),
    run('none', [0.8, 0.85, 0.858, 0.86]),
    run('batch', [0.8, 0.83, 0.87, 0.89]),
  ]);
  assert.deepEqual(notes, [
    'mlp/batch: validation accuracy gained 6.00 points over the last two epochs (mean of 1 runs)',
    'mlp/none: validation accuracy gained 1.10 points over the last two epochs (mean of 2 runs): still rising, not at a plateau (the design asks < 0.5)',
  ]);
  assert.match(plateauNotes([run('none', [0.8, 0.86, 0.862, 0.864])])[0], /0\.40 points .*: at a plateau/);
});
