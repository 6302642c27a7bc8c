/**
 * Claim 9's rule on constructed runs: each verdict follows from the numbers it is documented for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MechanismProbes } from '../../lib/mechanism/record';
import type { NormKind } from '../../lib/norm/kinds';
import type { TrainRecord } from '../../lib/study/claims/aggregate';
import { mechanismVerdict } from '../../lib/study/claims/mechanism';

interface Level {
  shift: number;
  beta: number;
  steps: number;
  /** Test accuracy (default 0.9). */
  accuracy?: number;
}

function probes(shift: number, beta: number): MechanismProbes {
  const checkpoint = (step: number) => ({
    step,
    loss: 1,
    covariateShift: [
      { layer: 1, name: 'conv2', gradNorm: 2, shiftNorm: 2 * shift, relativeShift: shift, cosine: 1 - shift },
    ],
    landscape: {
      stepSizes: [0.1],
      losses: [0.5],
      gradientChanges: [beta * 0.1 * 2],
      gradNorm: 2,
      lossRange: 0,
      maxGradientChange: beta * 0.1 * 2,
      betaSmoothness: beta,
    },
  });
  return {
    learningRate: 0.1,
    batchSize: 4,
    layers: ['conv1', 'conv2'],
    unit: 0,
    probabilities: [0.15, 0.5, 0.85],
    trackedLayers: ['relu'],
    activations: [
      { step: 0, quantiles: [[-1, 0, 1]] },
      { step: 5, quantiles: [[-1, 0, 1]] },
    ],
    checkpoints: [checkpoint(0), checkpoint(5)],
  };
}

/** Five seeds per kind (the fewest that decide); each seed's values jitter by ±2%, alike across kinds (paired). */
function runs(levels: Partial<Record<NormKind, Level>>): TrainRecord[] {
  const out: TrainRecord[] = [];
  for (const [norm, level] of Object.entries(levels) as [NormKind, Level][])
    for (let seed = 0; seed < 5; seed++) {
      const j = 1 + 0.01 * (seed - 2);
      out.push({
        type: 'run',
        experiments: ['mechanism'],
        config: { kind: 'train', arch: 'vgg', norm, seed, epochs: 3 },
        metrics: {
          stepsToTarget: level.steps * j,
          steps: 90,
          stepsPerEpoch: 30,
          diverged: false,
          collapsed: false,
          chanceAccuracy: 0.1,
          testAccuracy: (level.accuracy ?? 0.9) + 0.001 * (seed - 2),
        },
        probes: probes(level.shift * j, level.beta * j),
      } as unknown as TrainRecord);
    }
  return out;
}

test('holds: the noise adds shift and costs batch norm its speed, and batch norm has less shift than none', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 10, steps: 60 },
      batch: { shift: 0.1, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 60 },
    }),
  );
  assert.equal(v.verdict, 'holds', v.explanation);
  assert.deepEqual(
    v.comparisons.map((c) => [c.facets.test, c.deciding]),
    [
      ['A', true],
      ['B', true],
      ['C', true],
      ['C′', true],
      ['D', false],
      ['E', false],
      ['F', false],
      ['G', false],
    ],
  );
  assert.equal(v.comparisons[0].outcome, 'supports');
  assert.equal(v.comparisons[5].metric, 'β-smoothness');
  assert.match(v.notes.join('\n'), /vgg\/noisy-batch: gradient shift 0\.600/);
});

test('holds also when noisy batch norm keeps the speed but loses accuracy beyond the margin', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 10, steps: 60 },
      batch: { shift: 0.1, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 30, accuracy: 0.85 },
    }),
  );
  assert.equal(v.verdict, 'holds', v.explanation);
});

test('does not hold (the mirror of holds): noisy batch norm, with more shift, keeps batch norm’s speed and accuracy', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 10, steps: 60 },
      batch: { shift: 0.1, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 30 },
    }),
  );
  assert.equal(v.verdict, 'does not hold', v.explanation);
  assert.match(v.explanation, /kept batch norm’s speed and accuracy within the margins/);
});

test('neither answer without the manipulation check: noise that adds no shift decides nothing', () => {
  for (const noisySteps of [30, 60]) {
    const v = mechanismVerdict(
      runs({
        none: { shift: 0.3, beta: 10, steps: 60 },
        batch: { shift: 0.1, beta: 4, steps: 30 },
        'noisy-batch': { shift: 0.1, beta: 4, steps: noisySteps },
      }),
    );
    assert.equal(v.verdict, 'inconclusive', v.explanation);
    assert.match(v.explanation, /B equivalent/);
  }
});

test('inconclusive when the rule decides nothing (here: every kind alike); not tested without probed runs', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 4, steps: 30 },
      batch: { shift: 0.3, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.3, beta: 4, steps: 30 },
    }),
  );
  assert.equal(v.verdict, 'inconclusive');
  assert.match(v.explanation, /undecided: A equivalent/);
  assert.equal(mechanismVerdict([]).verdict, 'not tested');
});
