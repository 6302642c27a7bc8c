/**
 * The profiles carry the redesigned method: claims 8 and 9 as their authors tested them, tuning on
 * 3+ seeds over at least 0.001-3 that grows past an edge, quarter decades where claim 5 measures a
 * width, and a default profile that decides every claim (5 seeds on every deciding comparison).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { revisionOf } from '../../lib/study/claims/revisions';
import { expandSpec, experimentTarget, tuningBudget } from '../../lib/study/spec/plan';
import { PROFILE_NAMES, profileSpec } from '../../lib/study/spec/profiles';
import { isTrainRecord, type RunRecord } from '../../lib/study/spec/records';
import { CLAIM_IDS, seedList } from '../../lib/study/spec/schema';

for (const name of ['quick', 'full'] as const)
  test(`${name}: the redesigned claims 8 and 9, 3+ tuning seeds, edges that grow, 5 seeds per claim`, () => {
    const spec = profileSpec(name);
    for (const id of CLAIM_IDS)
      assert.equal(revisionOf(id, spec), undefined, `claim ${id} is not under revision`);
    const t = spec.tuning!;
    assert.ok(t.seeds.length >= 3 && t.extendEdges);
    for (const e of spec.experiments) {
      if (e.kind === 'train' && !e.learningRates)
        assert.ok(
          seedList(e.seeds).every((s) => !t.seeds.includes(s)),
          `${e.name}: seeds disjoint from tuning`,
        );
      if (e.kind === 'train' || e.claims.includes(7))
        assert.ok(
          seedList(e.seeds).length >= 5 || (e.kind === 'overhead' && (e.overhead?.rounds ?? 0) >= 5),
          `${e.name}: 5 seeds (or rounds)`,
        );
    }
    // Claim 8: rates tuned at batch 32, scaled linearly to the smaller batches, the same epochs.
    const batch = spec.experiments.find((e) => e.claims.includes(8))!;
    assert.equal(tuningBudget(spec, batch).batchSize, 32);
    assert.equal(batch.lrScaling, 'linear');
    assert.ok(batch.batchSizes!.includes(32) && batch.batchSizes!.includes(2));
    assert.ok(batch.norms.includes('none') && batch.norms.includes('group'));
    // Claim 9: each kind at its own tuned rate.
    const mechanism = spec.experiments.find((e) => e.claims.includes(9))!;
    assert.equal(mechanism.learningRate ?? spec.defaults.learningRate, 'tuned');
    // Claim 5: quarter decades.
    const lr = spec.experiments.find((e) => e.claims.includes(5))!.learningRates!;
    for (let i = 1; i < lr.length; i++)
      assert.ok(Math.log10(lr[i] / lr[i - 1]) <= 0.3, `${lr[i - 1]} → ${lr[i]}`);
  });

test('full: the tuning grid spans 0.001-3; the mechanism runs train at least 1,000 steps', () => {
  const spec = profileSpec('full');
  const grid = spec.tuning!.learningRates;
  assert.ok(grid[0] <= 0.001 && grid[grid.length - 1] >= 3);
  // Finish the tuning stage with a peak inside the grid, stage by stage as the runner does (the
  // local grids at the evaluation budget appear once their proxy's grid is done), then look at the
  // planned mechanism runs.
  const fake: RunRecord[] = [];
  let plan = expandSpec(spec);
  for (let pass = 0; pass < 10 && plan.pending.length > 0; pass++) {
    const done = new Set(fake.map((r) => r.id));
    for (const r of plan.runs.filter((x) => !done.has(x.id)))
      fake.push({
        id: r.id,
        type: 'run',
        experiments: r.experiments,
        config: r.config,
        metrics: {
          diverged: false,
          collapsed: false,
          chanceAccuracy: 0.1,
          valAccuracy: 0.8 - 0.01 * Math.abs(Math.log10(r.config.learningRate / 0.05)),
        },
      } as unknown as RunRecord);
    plan = expandSpec(spec, fake);
  }
  assert.equal(plan.pending.length, 0);
  const mechanism = plan.runs.filter((r) => r.experiments.includes('mechanism'));
  assert.equal(mechanism.length, 15, 'none, batch, noisy batch × 5 seeds');
  for (const r of mechanism) {
    const c = r.config;
    assert.ok(c.kind === 'train' && Math.floor(c.dataset.trainSize / c.batchSize) * c.epochs >= 1000);
    assert.ok(c.kind === 'train' && c.probes);
  }
  assert.ok(
    mechanism.filter((r) => r.experiments.includes('headline-vgg')).length === 10,
    'its none and batch runs are the headline runs',
  );
  assert.ok(fake.filter(isTrainRecord).length > 0);
});

test('every profile validates', () => {
  for (const name of PROFILE_NAMES) assert.ok(profileSpec(name).experiments.length > 0);
});

test('full: claim 8 shows both small-batch remedies; the MLP is tuned at its evaluation budget, the VGG and the ResNet near the proxy', () => {
  const spec = profileSpec('full');
  const batch = spec.experiments.find((e) => e.claims.includes(8))!;
  assert.ok(batch.norms.includes('batch-renorm') && batch.norms.includes('group-ws'), batch.norms.join(', '));
  assert.ok(
    batch.archs.every((a) => a !== 'mlp'),
    'group-ws needs convolutions',
  );
  const mlp = spec.experiments.find((e) => e.name === 'headline-mlp')!;
  const budget = tuningBudget(spec, mlp);
  assert.equal(budget.trainSize, mlp.trainSize ?? spec.dataset.trainSize);
  assert.equal(budget.epochs, mlp.epochs);
  // The other architectures' headline kinds (and the mechanism's): the whole grid on the proxy,
  // then a local grid at their own budget, whose pick they train at.
  for (const name of ['headline-vgg', 'headline-resnet', 'mechanism']) {
    const e = spec.experiments.find((x) => x.name === name)!;
    assert.equal(e.tuneWith, 'evaluation-near-proxy', name);
    const target = experimentTarget(spec, e, e.archs[0], 'batch');
    assert.equal(target.epochs, e.epochs, name);
    assert.equal(target.trainSize, e.trainSize ?? spec.dataset.trainSize, name);
    assert.deepEqual(
      target.near,
      { batchSize: spec.defaults.batchSize, trainSize: spec.tuning!.trainSize, epochs: spec.tuning!.epochs },
      `${name}: started from the proxy`,
    );
  }
});
