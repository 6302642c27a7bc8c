/**
 * The paper profile does what its description says: every tuned experiment is tuned at the budget
 * it is judged on (no proxy), claim 8's kinds at batch 32 on the sweep's own budget, and every
 * comparison has 10 evaluation seeds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tuningBudget, usesTunedRate } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { seedList } from '../../lib/study/spec/schema';

test('paper: tuned at the evaluation budget, 10 evaluation seeds', () => {
  const spec = profileSpec('paper');
  const tuned = spec.experiments.filter((e) => usesTunedRate(spec, e));
  assert.ok(tuned.length >= 5);
  for (const e of tuned) {
    const budget = tuningBudget(spec, e);
    assert.equal(
      budget.trainSize,
      e.trainSize ?? spec.dataset.trainSize,
      `${e.name}: tuned on its training set`,
    );
    assert.equal(budget.epochs, e.epochs ?? spec.defaults.epochs, `${e.name}: tuned for its epochs`);
    const sizes = e.batchSizes ?? [spec.defaults.batchSize];
    assert.ok(sizes.includes(budget.batchSize), `${e.name}: tuned at one of its batch sizes`);
  }
  for (const e of spec.experiments)
    assert.equal(seedList(e.seeds).length, e.kind === 'overhead' ? 5 : 10, e.name);
});
