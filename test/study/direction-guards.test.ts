/**
 * No verdict may contradict its own means: results built so that every claim's effect goes the
 * other way (batch norm worse on each claim's measure) must not give any claim "holds", and the
 * same design with the effects the claims' way must give "holds", so the guard can fail.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decideComparisons, describeComparison, pairedComparison } from '../../lib/study/claims/decision';
import { type ClaimResult, scorecard } from '../../lib/study/claims/scorecard';
import { accuracyChange, verdictSentence } from '../../lib/study/claims/verdict-sentence';
import { lossJitter, lossRoughness } from '../../lib/study/run/metrics';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { validateSpec } from '../../lib/study/spec/schema';
import { type FakeDirection, fakeExecutor } from './fake-executor';

/** The smoke design with five seeds everywhere (the fewest that decide). */
function fiveSeedSpec() {
  const smoke = profileSpec('smoke');
  const five = [0, 1, 2, 3, 4];
  return validateSpec({
    ...smoke,
    experiments: smoke.experiments.map((e) => {
      if (e.name === 'lr') return { ...e, seeds: [100, 101, 102, 103, 104] };
      if (e.name === 'init') return { ...e, initScales: [0.5, 1, 10], seeds: five };
      if (e.name === 'overhead')
        return { ...e, seeds: five, overhead: { rounds: 3, stepsPerRound: 3, warmupSteps: 1 } };
      return { ...e, seeds: five };
    }),
  });
}

async function card(direction: FakeDirection): Promise<ClaimResult[]> {
  const spec = fiveSeedSpec();
  const dir = mkdtempSync(join(tmpdir(), `normlab-guard-${direction}-`));
  const { records, pending } = await runStudy({
    spec,
    outDir: dir,
    executor: fakeExecutor([], 0, direction),
  });
  assert.equal(pending, 0);
  return scorecard(spec, records);
}

/** What the comparisons compute (a claim under revision keeps it aside). */
const computed = (c: ClaimResult) => c.revision?.computedVerdict ?? c.verdict;

test('direction guard: with every effect against the claims, no claim holds', async () => {
  for (const c of await card('against')) {
    assert.notEqual(computed(c), 'holds', `claim ${c.id}: ${c.explanation}`);
    assert.ok(c.sentence.length > 0 && !c.sentence.startsWith('Holds'), c.sentence);
  }
});

test('direction guard can fail: with the effects the claims’ way, every claim holds', async () => {
  for (const c of await card('claims')) {
    assert.equal(computed(c), 'holds', `claim ${c.id}: ${c.explanation}`);
  }
});

test('a significant effect whose interval reaches inside the margin does not support the claim', () => {
  // +0.94 points [0.7, 1.2] on 10 seeds against a ±1 point margin: significant, not equivalent,
  // and possibly smaller than the margin.
  const diffs = [0.005, 0.013, 0.009, 0.012, 0.006, 0.01, 0.014, 0.007, 0.009, 0.009];
  const ref = new Map(diffs.map((_, i) => [i, 0.85 + 0.001 * i]));
  const sub = new Map(diffs.map((d, i) => [i, 0.85 + 0.001 * i + d]));
  const spec = {
    label: 'mlp: test accuracy, batch vs none',
    facets: { architecture: 'mlp' },
    metric: 'test accuracy',
    supportsWhen: 'higher' as const,
    deciding: true,
    subjectName: 'batch',
    referenceName: 'none',
  };
  const [c] = decideComparisons([pairedComparison(spec, sub, ref, 'difference', 0.01)]);
  assert.ok(c.pAdjusted < 0.05 && c.effect.lo < 0.01 && c.effect.hi > 0.01, describeComparison(c));
  assert.equal(c.outcome, 'inconclusive');
  assert.match(describeComparison(c), /significant but not clearly beyond the margin/);
  // Shifted by a point, the whole interval clears the margin: it supports.
  const far = new Map([...sub].map(([k, v]) => [k, v + 0.01]));
  assert.equal(
    decideComparisons([pairedComparison(spec, far, ref, 'difference', 0.01)])[0].outcome,
    'supports',
  );
  assert.equal(
    verdictSentence('inconclusive', undefined, [c]),
    'Inconclusive: batch norm’s test accuracy is 0.9 points higher than no norm’s on the MLP (not resolved by these seeds).',
  );
});

/** Batch vs none test accuracy on `arch` over 5 seeds: none's accuracies, batch's shifted and jittered. */
function testAccuracyAt(arch: string, shift: number, jitter: number[]) {
  const ref = new Map([0, 1, 2, 3, 4].map((i) => [i, 0.85 + 0.002 * i]));
  return pairedComparison(
    {
      label: `${arch}: test accuracy, batch vs none`,
      facets: { architecture: arch },
      metric: 'test accuracy',
      supportsWhen: 'higher' as const,
      deciding: true,
      subjectName: 'batch',
      referenceName: 'none',
    },
    new Map([...ref].map(([k, v]) => [k, v + shift + jitter[k]])),
    ref,
    'difference',
    0.01,
  );
}

test('the sentence joins the architectures of one measure and keeps each outcome', () => {
  const cs = decideComparisons([
    testAccuracyAt('mlp', 0.05, [0, 0.002, -0.002, 0.001, -0.001]),
    testAccuracyAt('vgg', 0.001, [0, 0.0005, -0.0005, 0.0002, -0.0002]),
  ]);
  assert.equal(
    verdictSentence('holds', undefined, cs),
    'Holds: batch norm’s test accuracy is 5.0 points higher than no norm’s on the MLP, 0.1 points higher on the VGG (the same within the margin).',
  );
});

test('a joined clause whose comparisons are all equivalent, or all unresolved, says so once', () => {
  const tight = [0, 0.0005, -0.0005, 0.0002, -0.0002];
  const equivalent = decideComparisons([
    testAccuracyAt('mlp', 0.001, tight),
    testAccuracyAt('vgg', 0.002, tight),
  ]);
  assert.deepEqual(
    equivalent.map((c) => c.outcome),
    ['equivalent', 'equivalent'],
  );
  assert.equal(
    verdictSentence('does not hold', undefined, equivalent),
    'Does not hold: batch norm’s test accuracy is 0.1 points higher than no norm’s on the MLP, 0.2 points higher on the VGG (both the same within the margin).',
  );
  const wild = [0, 0.03, -0.03, 0.02, -0.02];
  const unresolved = decideComparisons([
    testAccuracyAt('mlp', 0.005, wild),
    testAccuracyAt('vgg', 0.004, wild),
    testAccuracyAt('resnet', 0.006, wild),
  ]);
  assert.ok(
    unresolved.every((c) => c.outcome === 'inconclusive'),
    unresolved.map((c) => c.outcome).join(),
  );
  assert.match(
    verdictSentence('inconclusive', undefined, unresolved),
    /on the MLP, [\d.]+ points higher on the VGG, [\d.]+ points higher on the ResNet \(none resolved by these seeds\)\.$/,
  );
});

test('a small-batch change names the direction its number shows, and no direction for 0.0', () => {
  assert.equal(
    accuracyChange('batch', 0.008, 'batch 32', 'batch 2'),
    'batch norm’s test accuracy fell 0.8 points from batch 32 to batch 2',
  );
  assert.equal(
    accuracyChange('group', -0.009, 'batch 32', 'batch 2'),
    'group norm’s test accuracy rose 0.9 points from batch 32 to batch 2',
  );
  for (const tiny of [0.0004, -0.0004, 0]) {
    assert.equal(
      accuracyChange('batch', tiny, 'batch 32', 'batch 2'),
      'batch norm’s test accuracy did not change (under 0.05 points) from batch 32 to batch 2',
    );
  }
});

test('loss jitter is absolute; roughness is relative to the loss level', () => {
  const losses = [2, 1.5, 1, 0.9, 1.1, 1.0];
  assert.ok(Math.abs((lossJitter(losses) ?? 0) - 0.15) < 1e-12);
  assert.ok(Math.abs((lossRoughness(losses) ?? 0) - 0.15) < 1e-12, 'level 1: the same');
  const halved = losses.map((l) => l / 2);
  assert.ok(Math.abs((lossJitter(halved) ?? 0) - 0.075) < 1e-12, 'half the jumps');
  assert.ok(Math.abs((lossRoughness(halved) ?? 0) - 0.15) < 1e-12, 'the same relative roughness');
  assert.equal(lossJitter([1, 2, 3]), null);
});
