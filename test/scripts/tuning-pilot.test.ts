/**
 * scripts/tuning-pilot.ts: the pilot's spec is the full profile's headline MLP experiment tuned on
 * the proxy, and the comparison says, kind by kind, whether the proxy picked the evaluation
 * budget's rate and what its pick is worth there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TunedProfile } from '../../lib/study/spec/plan';
import { expandSpec } from '../../lib/study/spec/plan';
import { FULL_PROFILE } from '../../lib/study/spec/profiles';
import { validateSpec } from '../../lib/study/spec/schema';
import { compareRows, parseProxy, pilotDir, pilotSpec } from '../../scripts/tuning-pilot';

test("the pilot tunes the full profile's headline MLP kinds on its proxy budget", () => {
  const spec = validateSpec(pilotSpec());
  assert.deepEqual(
    spec.experiments.map((e) => e.name),
    ['headline-mlp'],
  );
  assert.equal(spec.experiments[0].tuneWith, undefined, 'no evaluation-budget tuning in the pilot');
  const tuning = expandSpec(spec).runs.filter((r) => r.stage === 'tuning');
  const full = validateSpec(FULL_PROFILE);
  assert.ok(tuning.length > 0);
  for (const r of tuning) {
    const c = r.config as { arch: string; dataset: { trainSize: number }; epochs: number; seed: number };
    assert.equal(c.arch, 'mlp');
    assert.equal(c.dataset.trainSize, full.tuning!.trainSize);
    assert.equal(c.epochs, full.tuning!.epochs);
    assert.ok(full.tuning!.seeds.includes(c.seed));
  }
});

const profile = (norm: string, best: number, accuracies: [number, number][]): TunedProfile =>
  ({
    arch: 'mlp',
    norm,
    batchSize: 128,
    trainSize: 5000,
    epochs: 3,
    bestRate: best,
    rates: accuracies.map(([learningRate, meanAccuracy]) => ({
      learningRate,
      meanAccuracy,
      runs: 3,
      failed: 0,
    })),
  }) as unknown as TunedProfile;

test('the comparison says whether the picks agree and what the proxy pick is worth at the budget', () => {
  const proxy = [profile('none', 0.1, [[0.1, 0.8]]), profile('batch', 1, [[1, 0.85]])];
  const atBudget = [
    profile('none', 0.1, [
      [0.1, 0.88],
      [0.3, 0.87],
    ]),
    profile('batch', 0.3, [
      [0.3, 0.895],
      [1, 0.89],
    ]),
  ];
  const rows = compareRows(proxy, atBudget);
  assert.equal(rows.length, 4);
  assert.equal(rows[2], '| none | 0.1 | 0.1 | yes | 88.0% | 88.0% |');
  assert.equal(rows[3], '| batch | 1 | 0.3 | no | 89.0% | 89.5% |');
});

test('--proxy tries another budget: only the tuning budget and the name change', () => {
  assert.deepEqual(parseProxy('12500x4'), { trainSize: 12500, epochs: 4 });
  for (const bad of ['12500x', 'x4', '0x4', '12500x0', '1.5x4', '12500*4'])
    assert.throws(() => parseProxy(bad), /<images>x<epochs>/, bad);
  const base = validateSpec(pilotSpec());
  const other = validateSpec(pilotSpec({ trainSize: 12500, epochs: 4 }));
  assert.equal(other.name, 'tuning-pilot-mlp-12500x4');
  assert.deepEqual(other.tuning, { ...base.tuning, trainSize: 12500, epochs: 4 });
  assert.deepEqual(other.experiments, base.experiments);
  assert.match(pilotDir({ trainSize: 12500, epochs: 4 }), /results\/tuning-pilot\/proxy-12500x4$/);
});
