/**
 * Claim 9's rule on constructed runs: each verdict follows from the numbers it is documented for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MechanismProbes } from '../../lib/mechanism/record';
import type { NormKind } from '../../lib/norm/kinds';
import type { TrainRecord } from '../../lib/study/aggregate';
import { mechanismVerdict } from '../../lib/study/claim-mechanism';

interface Level {
  shift: number;
  beta: number;
  steps: number;
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
        metrics: { stepsToTarget: level.steps * j, steps: 90, stepsPerEpoch: 30 },
        probes: probes(level.shift * j, level.beta * j),
      } as unknown as TrainRecord);
    }
  return out;
}

test('holds: batch norm has less shift than none, and noisy batch norm loses its speed', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 10, steps: 60 },
      batch: { shift: 0.1, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 60 },
    }),
  );
  assert.equal(v.verdict, 'holds', v.explanation);
  assert.equal(v.comparisons.length, 5);
  assert.equal(v.comparisons[0].outcome, 'supports');
  assert.match(v.notes.join('\n'), /vgg\/noisy-batch: gradient shift 0\.600/);
});

test("does not hold: noisy batch norm has more shift yet trains as fast, and BN's landscape is smoother", () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.3, beta: 10, steps: 60 },
      batch: { shift: 0.25, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 30 },
    }),
  );
  assert.equal(v.verdict, 'does not hold', v.explanation);
  assert.match(v.explanation, /keeps its speed/);
});

test('does not hold: batch norm has more gradient shift than no normalization', () => {
  const v = mechanismVerdict(
    runs({
      none: { shift: 0.1, beta: 10, steps: 60 },
      batch: { shift: 0.3, beta: 4, steps: 30 },
      'noisy-batch': { shift: 0.6, beta: 4, steps: 60 },
    }),
  );
  assert.equal(v.verdict, 'does not hold');
  assert.match(v.explanation, /more gradient shift/);
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
