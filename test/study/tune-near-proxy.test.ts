/**
 * Two-stage tuning (`tuneWith: 'evaluation-near-proxy'`): the proxy's whole grid first, then, at
 * the evaluation budget on the same tuning seeds, a local grid of the proxy's pick and one grid
 * step either side that grows past an edge while its best sits there. The evaluation runs train at
 * the local grid's pick. The plan is a pure function of the records, so the local grid appears only
 * once the proxy's grid is finished, and the runner picks it up (and other shards' runs) as it
 * re-plans.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { experimentRows } from '../../lib/report/study-tables';
import { scorecard } from '../../lib/study/claims/scorecard';
import { runStudy } from '../../lib/study/run/runner';
import {
  expandSpec,
  experimentProfile,
  experimentTarget,
  type PlannedRun,
  type StudyPlan,
  tuningGrid,
} from '../../lib/study/spec/plan';
import type { RunRecord } from '../../lib/study/spec/records';
import type { TrainRunConfig } from '../../lib/study/spec/run-config';
import { type StudySpecInput, validateSpec } from '../../lib/study/spec/schema';
import { shardRuns } from '../../lib/study/spec/shard';
import { loadResults } from '../../lib/study/store/results';
import { fakeExecutor, fakeTrainRecord } from './fake-executor';

/** Proxy: 64 images × 1 epoch; evaluation budget: 256 images × 4 epochs; both at batch 16. */
const input: StudySpecInput = {
  name: 'near-proxy',
  dataset: { source: 'synthetic', trainSize: 256, valSize: 16, testSize: 16 },
  defaults: { learningRate: 'tuned', batchSize: 16, epochs: 4 },
  tuning: {
    learningRates: [0.01, 0.03, 0.1, 0.3, 1],
    seeds: [100, 101],
    trainSize: 64,
    epochs: 1,
    extendEdges: true,
  },
  experiments: [
    {
      name: 'headline',
      claims: [1],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      seeds: 2,
      probes: {},
      tuneWith: 'evaluation-near-proxy',
    },
    // The same budget and probes: its none and batch runs, tuning included, are the headline's.
    {
      name: 'mechanism',
      claims: [9],
      archs: ['mlp'],
      norms: ['none', 'batch', 'noisy-batch'],
      seeds: 2,
      probes: {},
      tuneWith: 'evaluation-near-proxy',
    },
  ],
};
const spec = validateSpec(input);
const PROXY = { batchSize: 16, trainSize: 64, epochs: 1 };

/** Where validation accuracy peaks, by kind: on the proxy, and at the evaluation budget. */
const PEAKS: Record<string, { proxy: number; evaluation: number }> = {
  none: { proxy: 0.03, evaluation: 0.03 }, // the same pick: the local grid does not grow
  batch: { proxy: 0.1, evaluation: 1.5 }, // picks 0.1 on the proxy; the local grid grows twice
  'noisy-batch': { proxy: 0.3, evaluation: 0.3 },
};

/** A finished record of a planned run, its validation accuracy peaking as {@link PEAKS} says. */
function record(r: PlannedRun): RunRecord {
  const c = r.config as TrainRunConfig;
  const peak = PEAKS[c.norm][c.dataset.trainSize === PROXY.trainSize ? 'proxy' : 'evaluation'];
  return fakeTrainRecord(r.id, c, r.experiments, 0.9 - 0.05 * Math.abs(Math.log10(c.learningRate / peak)));
}

/** Finish every run the plan knows that `records` lacks; return the new records. */
function finish(plan: StudyPlan, records: readonly RunRecord[]): RunRecord[] {
  const done = new Set(records.map((r) => r.id));
  return [...records, ...plan.runs.filter((r) => !done.has(r.id)).map(record)];
}

const tuningRuns = (plan: StudyPlan) => plan.runs.filter((r) => r.stage === 'tuning');
const atEvaluationBudget = (plan: StudyPlan, norm: string) =>
  tuningRuns(plan)
    .map((r) => r.config as TrainRunConfig)
    .filter((c) => c.norm === norm && c.dataset.trainSize === 256);
const ratesOf = (configs: readonly TrainRunConfig[]) =>
  [...new Set(configs.map((c) => c.learningRate))].sort((a, b) => a - b);

test('two-stage tuning: the plan lists only the proxy runs first, shared between experiments', () => {
  const plan = expandSpec(spec);
  assert.ok(plan.runs.every((r) => r.stage === 'tuning'));
  for (const r of plan.runs) {
    const c = r.config as TrainRunConfig;
    assert.deepEqual([c.batchSize, c.dataset.trainSize, c.epochs], [16, 64, 1], 'at the proxy budget');
  }
  // 3 kinds (none and batch shared by both experiments) × 5 rates × 2 tuning seeds.
  assert.equal(plan.runs.length, 3 * 5 * 2);
  assert.equal(plan.pending.length, 2 * 2 + 3 * 2, 'every evaluation run waits');
  assert.deepEqual(plan.tuned, []);
});

test('after the proxy grid: the pick and one step either side × the tuning seeds, at the evaluation budget', () => {
  const proxyRecords = finish(expandSpec(spec), []);
  const plan = expandSpec(spec, proxyRecords);
  const expected: Record<string, number[]> = {
    none: [0.01, 0.03, 0.1],
    batch: [0.03, 0.1, 0.3],
    'noisy-batch': [0.1, 0.3, 1],
  };
  for (const [norm, rates] of Object.entries(expected)) {
    const local = atEvaluationBudget(plan, norm);
    assert.deepEqual(ratesOf(local), rates, norm);
    assert.equal(local.length, rates.length * 2, `${norm}: 3 rates × 2 tuning seeds`);
    assert.deepEqual([...new Set(local.map((c) => c.seed))], [100, 101], 'the same tuning seeds');
    assert.ok(local.every((c) => c.batchSize === 16 && c.epochs === 4));
  }
  assert.equal(plan.pending.length, 10, 'the evaluation runs wait for the local grids');
  assert.deepEqual(
    plan.tuned.map((p) => [p.norm, p.bestRate, p.near]),
    [
      ['none', 0.03, undefined],
      ['batch', 0.1, undefined],
      ['noisy-batch', 0.3, undefined],
    ],
    'only the proxy profiles are final',
  );
  // One proxy run missing: that kind's local grid is not listed yet; the others' are.
  const missing = proxyRecords.findIndex((r) => (r.config as TrainRunConfig).norm === 'batch');
  const partial = expandSpec(
    spec,
    proxyRecords.filter((_, i) => i !== missing),
  );
  assert.equal(atEvaluationBudget(partial, 'batch').length, 0);
  assert.equal(atEvaluationBudget(partial, 'none').length, 6);
});

test('the local grid grows one step past an edge while the evaluation-budget best sits there', () => {
  const headline = spec.experiments[0];
  const target = experimentTarget(spec, headline, 'mlp', 'batch');
  let records = finish(expandSpec(spec), []);
  const grids: number[][] = [];
  for (let pass = 0; pass < 6; pass++) {
    const plan = expandSpec(spec, records);
    grids.push(ratesOf(atEvaluationBudget(plan, 'batch')));
    assert.deepEqual(tuningGrid(spec, target, records), grids[grids.length - 1]);
    const next = finish(plan, records);
    if (next.length === records.length) break;
    records = next;
  }
  // 0.3 is best of 0.03-0.3: the proxy grid's next rate, 1, joins; 1 is best at the new edge: the
  // proxy grid ends there, so the geometric step (1 × 1 / 0.3, 3 significant digits) joins; then 1
  // is inside and the grid stops.
  assert.deepEqual(
    [...new Set(grids.map((g) => g.join(', ')))],
    ['0.03, 0.1, 0.3', '0.03, 0.1, 0.3, 1', '0.03, 0.1, 0.3, 1, 3.33'],
  );
  const none = ratesOf(atEvaluationBudget(expandSpec(spec, records), 'none'));
  assert.deepEqual(none, [0.01, 0.03, 0.1], 'a pick inside its local grid: no growth');
});

test('the evaluation runs train at the evaluation-budget pick, not the proxy pick; deterministic and shard-stable', () => {
  let records: RunRecord[] = [];
  let plan = expandSpec(spec);
  for (let pass = 0; pass < 8; pass++) {
    const next = finish(plan, records);
    if (next.length === records.length) break;
    records = next;
    plan = expandSpec(spec, records);
  }
  assert.equal(plan.pending.length, 0);
  const picks = { none: 0.03, batch: 1, 'noisy-batch': 0.3 };
  const evaluation = plan.runs.filter((r) => r.stage === 'evaluation');
  assert.equal(evaluation.length, 3 * 2, 'none and batch shared by both experiments');
  for (const r of evaluation) {
    const c = r.config as TrainRunConfig;
    assert.equal(c.learningRate, picks[c.norm as keyof typeof picks], c.norm);
    assert.equal(c.dataset.trainSize, 256);
    if (c.norm !== 'noisy-batch') assert.deepEqual(r.experiments, ['headline', 'mechanism']);
  }
  // Both profiles of each kind: the proxy's (whole grid) and the local grid's (with `near`).
  const batch = plan.tuned.filter((p) => p.norm === 'batch');
  assert.deepEqual(
    batch.map((p) => [p.bestRate, p.trainSize, p.near ?? null]),
    [
      [0.1, 64, null],
      [1, 256, PROXY],
    ],
  );
  for (const e of spec.experiments)
    assert.equal(experimentProfile(spec, plan.tuned, e, 'mlp', 'batch')?.bestRate, 1, e.name);
  assert.deepEqual(expandSpec(spec, [...records].reverse()), plan, 'a resumed study makes the same plan');
  // Shards: every run of one kind (its proxy and local tuning runs too) lands in one shard.
  for (const count of [2, 3]) {
    const shardOf = new Map<string, number>();
    for (let index = 0; index < count; index++)
      for (const r of shardRuns(plan.runs, { index, count })) {
        const norm = (r.config as TrainRunConfig).norm;
        assert.equal(shardOf.get(norm) ?? index, index, norm);
        shardOf.set(norm, index);
      }
  }
});

test("the local grid's start at the proxy grid's end: the geometric step, within rateLimits, no growth without extendEdges", () => {
  const small = (rateLimits: [number, number]) =>
    validateSpec({
      ...input,
      tuning: { learningRates: [0.01, 0.1], seeds: [100], trainSize: 64, epochs: 1, rateLimits },
      experiments: [{ ...input.experiments[0], norms: ['none', 'batch'] }],
    });
  // The proxy peaks: none at 0.003 (below the grid), batch at 1.5 (above it).
  const saved = { ...PEAKS };
  PEAKS.none = { proxy: 0.003, evaluation: 0.001 };
  PEAKS.batch = { proxy: 1.5, evaluation: 100 };
  try {
    const open = small([1e-5, 10]);
    let records = finish(expandSpec(open), []);
    let plan = expandSpec(open, records);
    assert.deepEqual(ratesOf(atEvaluationBudget(plan, 'none')), [0.001, 0.01, 0.1]);
    assert.deepEqual(ratesOf(atEvaluationBudget(plan, 'batch')), [0.01, 0.1, 1]);
    // Without extendEdges the local grid stays, though its best (0.001, 1) sits at an edge.
    records = finish(plan, records);
    plan = expandSpec(open, records);
    assert.deepEqual(ratesOf(atEvaluationBudget(plan, 'none')), [0.001, 0.01, 0.1]);
    assert.equal(plan.pending.length, 0);
    // A step past rateLimits is left out.
    const bounded = small([0.005, 0.5]);
    const boundedPlan = expandSpec(bounded, finish(expandSpec(bounded), []));
    assert.deepEqual(ratesOf(atEvaluationBudget(boundedPlan, 'none')), [0.01, 0.1]);
    assert.deepEqual(ratesOf(atEvaluationBudget(boundedPlan, 'batch')), [0.01, 0.1]);
  } finally {
    Object.assign(PEAKS, saved);
  }
});

test('a bad tuneWith names the option and the allowed values', () => {
  const withTuneWith = (tuneWith: unknown) => () =>
    validateSpec({ ...input, experiments: [{ ...input.experiments[0], tuneWith }] });
  const allowed =
    /allowed: 'evaluation', 'evaluation-near-proxy', or an object with any of batchSize, trainSize, epochs/;
  for (const bad of ['near-proxy', 3, null, ['evaluation']]) {
    assert.throws(withTuneWith(bad), /experiments\[0\]\.tuneWith: tuneWith .* is not allowed/);
    assert.throws(withTuneWith(bad), allowed);
  }
  assert.throws(
    withTuneWith({ budget: 'evaluation', startFrom: 'proxy' }),
    /tuneWith has no 'budget', 'startFrom'/,
  );
  assert.throws(withTuneWith({ budget: 'evaluation' }), allowed);
  assert.equal(validateSpec(input).experiments[0].tuneWith, 'evaluation-near-proxy');
});

/** A spec for the runner: the fake executor's best rate grows with the batch size (linear scaling). */
const runnerSpec = validateSpec({
  ...input,
  name: 'near-proxy-runner',
  defaults: { ...input.defaults, epochs: 2 },
  experiments: [
    {
      name: 'headline',
      claims: [1],
      archs: ['mlp'],
      norms: ['none', 'batch'],
      batchSizes: [64],
      seeds: 2,
      tuneWith: 'evaluation-near-proxy',
    },
  ],
});

test('the runner trains the proxy grid, then the local grid as it appears and grows, then the evaluation runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-near-proxy-'));
  const out = await runStudy({ spec: runnerSpec, outDir: dir, executor: fakeExecutor() });
  assert.equal(out.pending, 0);
  const { runs } = loadResults(out.resultsPath);
  const plan = expandSpec(runnerSpec, runs);
  assert.equal(out.executed, plan.runs.length, 'every run of the final plan, once');
  assert.deepEqual(new Set(runs.map((r) => r.id)), new Set(plan.runs.map((r) => r.id)));
  // The fake peaks at 0.1 × batch / 32 (0.3 × for none): the proxy (batch 16) picks 0.03 for batch
  // norm, 0.1 for none; at batch 64 the local grids grow to 0.3 and 1.
  const local = (norm: string) =>
    ratesOf(
      runs
        .filter((r) => r.experiments.includes('tuning'))
        .map((r) => r.config as TrainRunConfig)
        .filter((c) => c.norm === norm && c.batchSize === 64),
    );
  assert.deepEqual(local('batch'), [0.01, 0.03, 0.1, 0.3, 1]);
  assert.deepEqual(local('none'), [0.03, 0.1, 0.3, 1, 3.33]);
  const evaluation = runs
    .filter((r) => r.experiments.includes('headline'))
    .map((r) => r.config as TrainRunConfig);
  assert.equal(evaluation.length, 4);
  for (const c of evaluation) assert.equal(c.learningRate, c.norm === 'batch' ? 0.3 : 1, c.norm);
  // The scorecard's tuning notes tell the proxy's whole grid from the local grid; the experiments
  // table says which architectures have a local grid.
  const notes = scorecard(runnerSpec, runs)[4].notes.join('\n');
  assert.match(
    notes,
    /mlp\/batch \(tuning stage, 64 images × 1 epoch at batch 16\): best rate 0\.03 .*largest stable rate/,
  );
  assert.match(
    notes,
    /mlp\/batch \(tuning stage, local grid at 256 images × 2 epochs at batch 64 around the pick of 64 images × 1 epoch at batch 16, 0\.03\): best rate 0\.3 \(validation [\d.]+\) of 0\.01, 0\.03, 0\.1, 0\.3, 1$/m,
  );
  assert.match(String(experimentRows(runnerSpec, runs).rows[0][1]), /then mlp at the evaluation budget/);
});

test("a shard waits for another shard's proxy and local tuning runs, then trains its evaluation runs", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-near-proxy-shards-'));
  // The waiting shard skips the tuning stage; another process (its own shard file) runs all of it.
  const waiting = runStudy({
    spec: runnerSpec,
    outDir: dir,
    shard: { index: 0, count: 2 },
    experiments: { skip: ['tuning'] },
    waitForTuningSeconds: 60,
    tuningPollMs: 5,
    executor: fakeExecutor([], 1),
  });
  const tuning = runStudy({
    spec: runnerSpec,
    outDir: dir,
    shard: { index: 0, count: 1 },
    experiments: { only: ['tuning'] },
    executor: fakeExecutor([], 1),
  });
  const [a, b] = await Promise.all([waiting, tuning]);
  assert.equal(a.pending, 0, 'nothing left waiting');
  assert.ok(b.executed > 20, 'the proxy grids, then the local grids');
  const mine = loadResults(a.resultsPath).runs;
  assert.ok(mine.length > 0 && mine.every((r) => r.experiments.includes('headline')));
  const tuned = expandSpec(runnerSpec, [...mine, ...loadResults(b.resultsPath).runs]);
  assert.equal(tuned.pending.length, 0);
  const shard0 = shardRuns(tuned.runs, { index: 0, count: 2 }).filter((r) => r.stage === 'evaluation');
  assert.deepEqual(new Set(mine.map((r) => r.id)), new Set(shard0.map((r) => r.id)));
  assert.equal(a.executed, shard0.length, 'it trained them itself once they were planned');
});
