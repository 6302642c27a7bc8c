/**
 * normlab's compiled normalization kernels (native/kernels, lib/native/norm-kernels.ts) against
 * the portable path: outputs and the gradients w.r.t. x, γ and β of layer, instance, group and RMS
 * norm, with and without the fused ReLU, on shapes whose channel counts do not fill a vector
 * (odd, prime, 33), groups of 1, C and 8, dense and sequence inputs; which ops run with the
 * kernels on and off (setNativeKernels and NORMLAB_NATIVE_KERNELS=0 in a child process); no
 * tensor left behind; and every instruction set this CPU has gives the same numbers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { NormActivation } from '../../lib/layers/activation';
import { normKernelsActive } from '../../lib/native/norm-kernels';
import { normKernelsStatus } from '../../lib/native/norm-kernels-module';
import { nativeKernelsActive, setNativeKernels } from '../../lib/native/tensorflow-ops';
import { normLayer } from '../../lib/norm/factory';
import type { NormKind } from '../../lib/norm/kinds';
import { useNativeBackend } from '../helpers/backend';
import { opsRun } from '../helpers/ops-run';
import { rng } from '../helpers/random';

useNativeBackend();
// These tests are about the compiled kernels, so they switch the native paths on whatever
// NORMLAB_NATIVE_KERNELS says; its effect is checked in the child processes below, which take it
// from the test alone.
setNativeKernels(true);

/** `n` deterministic values, uniform in (−√3, √3) (unit variance), from `seed`. */
function seededNormal(n: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * Math.sqrt(3));
}

/** Why the native cases cannot run here, or undefined when the kernels are built and loaded. */
function unavailable(): string | undefined {
  // Asked inside the tests (the backend is set up in a before hook).
  if (tf.getBackend() !== 'tensorflow') return 'not on tfjs-node';
  const { module, reason } = normKernelsStatus();
  if (!module) return `normlab's kernels are not built here: ${reason}`;
  if (!nativeKernelsActive()) {
    const how =
      process.env.NORMLAB_NATIVE_KERNELS === '0' ? 'NORMLAB_NATIVE_KERNELS=0' : 'setNativeKernels(false)';
    return `the native kernels are switched off (${how})`;
  }
  return normKernelsActive() ? undefined : 'the kernels loaded but failed their probe';
}

interface Case {
  kind: NormKind;
  shape: number[];
  groups?: number;
  axis?: number | 'features';
  center?: boolean;
}

const CASES: Case[] = [
  { kind: 'group', shape: [3, 5, 7, 8], groups: 8 },
  { kind: 'group', shape: [3, 5, 7, 8], groups: 1 },
  { kind: 'group', shape: [2, 6, 6, 32], groups: 8 },
  { kind: 'group', shape: [2, 3, 3, 33], groups: 11 },
  { kind: 'group', shape: [2, 4, 4, 7], groups: 7 },
  { kind: 'group', shape: [5, 12], groups: 3 },
  { kind: 'group', shape: [2, 9, 6], groups: 2 },
  { kind: 'instance', shape: [2, 5, 5, 7] },
  { kind: 'instance', shape: [3, 4, 6, 33] },
  { kind: 'layer', shape: [2, 4, 5, 7], axis: 'features' },
  { kind: 'layer', shape: [3, 4, 9], axis: -1 },
  { kind: 'layer', shape: [5, 13], axis: -1 },
  { kind: 'layer', shape: [2, 3, 3, 33], axis: 'features', center: false },
  { kind: 'rms', shape: [2, 4, 5, 7], axis: 'features' },
  { kind: 'rms', shape: [3, 4, 9], axis: -1 },
  { kind: 'rms', shape: [5, 17], axis: -1, center: true },
];

function name(c: Case): string {
  const extra = [c.groups ? `groups ${c.groups}` : '', c.axis !== undefined ? `axis ${c.axis}` : ''];
  if (c.center !== undefined) extra.push(`center ${c.center}`);
  return `${c.kind} [${c.shape}] ${extra.filter(Boolean).join(', ')}`;
}

/** A built layer of the case with random γ/β (so the affine part is tested too), from a seed. */
function makeLayer(c: Case, activation: NormActivation, seed: number): tf.layers.Layer {
  const layer = normLayer(c.kind, {
    groups: c.groups,
    axis: c.axis,
    center: c.center,
    activation,
    // Keras' defaults: instance norm learns γ/β too.
    convention: 'keras',
    epsilon: 1e-5,
  });
  layer.build(c.shape);
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(seededNormal(w.size, seed + i), w.shape)));
  return layer;
}

/** The output and the gradients of sum(y·dy) w.r.t. x and the layer's weights. */
function run(
  layer: tf.layers.Layer,
  x: tf.Tensor,
  dy: tf.Tensor,
): { y: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const f = (xs: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(layer.apply(xs, { training: true }) as tf.Tensor, dy));
    const { grads } = tf.variableGrads(() => f(x), weights);
    const dx = tf.grad(f)(x);
    const all = [dx, ...layer.trainableWeights.map((w) => grads[w.originalName] ?? grads[w.name])];
    return { y: y.dataSync() as Float32Array, grads: all.map((g) => g.dataSync() as Float32Array) };
  });
}

/** |a − b| ≤ atol + rtol·|b| everywhere; the message names the worst entry. */
function assertClose(a: Float32Array, b: Float32Array, atol: number, rtol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: sizes differ`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      at = i;
    }
  }
  assert.ok(at < 0, `${what}: entry ${at} is ${a[at]} against ${b[at]}`);
}

/** The last line a child process running `script` prints, as JSON; `env` on top of this one's. */
function childOutput<T>(script: string, env: Record<string, string>): T {
  // The kernel choices come from `env` alone, not from the environment the tests run in.
  const inherited = { ...process.env };
  delete inherited.NORMLAB_NATIVE_KERNELS;
  delete inherited.NORMLAB_KERNEL_ISA;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as T;
}

function bothPaths(c: Case, activation: NormActivation, seed: number) {
  const x = tf
    .tensor(
      seededNormal(
        c.shape.reduce((p, d) => p * d, 1),
        seed,
      ),
      c.shape,
    )
    .mul(2)
    .add(0.5);
  const dy = tf.tensor(seededNormal(x.size, seed + 100), c.shape);
  try {
    const layer = makeLayer(c, activation, seed + 200);
    setNativeKernels(true);
    let names: string[] = [];
    let native: ReturnType<typeof run> | null = null;
    names = opsRun(() => {
      native = run(layer, x, dy);
    });
    setNativeKernels(false);
    const portable = run(layer, x, dy);
    return { native: native as unknown as ReturnType<typeof run>, portable, names };
  } finally {
    setNativeKernels(true);
    tf.dispose([x, dy]);
  }
}

describe('normlab kernels against the portable path', () => {
  for (const c of CASES) {
    for (const activation of ['linear', 'relu'] as const) {
      it(`${name(c)}, ${activation}: output and gradients`, (t) => {
        const why = unavailable();
        if (why) return t.skip(why);
        const { native, portable, names } = bothPaths(c, activation, 7);
        const op = c.kind === 'rms' ? 'NormlabRmsNorm' : 'NormlabGroupNorm';
        assert.ok(names.includes(op) && names.includes(`${op}Grad`), `ran ${[...new Set(names)]}`);
        assertClose(native.y, portable.y, 1e-5, 1e-5, 'output');
        if (activation === 'relu') assert.ok(native.y.every((v) => v >= 0));
        assert.equal(native.grads.length, portable.grads.length);
        native.grads.forEach((g, i) => {
          assertClose(g, portable.grads[i], 1e-4, 1e-4, i === 0 ? 'dx' : `d(weight ${i - 1})`);
        });
      });
    }
  }

  it("a NaN goes through the fused ReLU as through the portable path's, not as 0", (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    // Sample 0 holds a NaN, so its statistics and outputs are NaN; sample 1 stays finite.
    const c: Case = { kind: 'group', shape: [2, 3, 3, 4], groups: 2 };
    const values = seededNormal(72, 11);
    values[5] = Number.NaN;
    const x = tf.tensor(values, c.shape);
    const layer = makeLayer(c, 'relu', 12);
    const forward = () =>
      tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
    try {
      setNativeKernels(true);
      let native: Float32Array | null = null;
      const names = opsRun(() => {
        native = forward();
      });
      assert.ok(names.includes('NormlabGroupNorm'), `ran ${[...new Set(names)]}`);
      setNativeKernels(false);
      const portable = forward();
      const y = native as unknown as Float32Array;
      assert.deepEqual(Array.from(y, Number.isNaN), Array.from(portable, Number.isNaN));
      assert.ok(Number.isNaN(y[0]), 'the NaN sample stays NaN');
      assert.ok(
        y.slice(36).every((v) => v >= 0),
        'the finite sample is a ReLU output',
      );
    } finally {
      setNativeKernels(true);
      tf.dispose(x);
    }
  });

  it('inference equals training (no running statistics) and leaves no tensor behind', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    for (const c of CASES) {
      const layer = makeLayer(c, 'relu', 3);
      const x = tf.tensor(
        seededNormal(
          c.shape.reduce((p, d) => p * d, 1),
          11,
        ),
        c.shape,
      );
      const before = tf.memory().numTensors;
      const [a, b] = [true, false].map((training) =>
        tf.tidy(() => (layer.apply(x, { training }) as tf.Tensor).dataSync()),
      );
      tf.tidy(() => {
        tf.grad((xs: tf.Tensor) => tf.sum(layer.apply(xs, { training: true }) as tf.Tensor))(x);
      });
      assert.equal(tf.memory().numTensors, before, `${name(c)} left tensors`);
      assert.deepEqual(a, b);
      x.dispose();
    }
  });

  it('a training step is one op each way, with nothing reshaped around it', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    for (const c of CASES) {
      const layer = makeLayer(c, 'relu', 5);
      const x = tf.ones(c.shape);
      const dy = tf.ones(c.shape);
      const op = c.kind === 'rms' ? 'NormlabRmsNorm' : 'NormlabGroupNorm';
      // The upstream gradient goes in as it is (no loss op), so every op that runs is the layer's;
      // the backward op returns the gradients of γ and β with that of x.
      const names = opsRun(() =>
        tf.tidy(() => {
          tf.grad((xs: tf.Tensor) => layer.apply(xs, { training: true }) as tf.Tensor)(x, dy);
        }),
      );
      assert.deepEqual(names, [op, `${op}Grad`], name(c));
      tf.dispose([x, dy]);
    }
  });

  it('setNativeKernels(false) runs the portable ops, true the kernels again', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const layer = makeLayer(CASES[0], 'linear', 1);
    const x = tf.ones(CASES[0].shape);
    const forward = () => tf.tidy(() => void layer.apply(x, { training: true }));
    try {
      setNativeKernels(false);
      const portable = opsRun(forward);
      assert.ok(!portable.some((n) => n.startsWith('Normlab')), `ran ${portable}`);
      assert.ok(portable.length > 5);
      setNativeKernels(true);
      assert.deepEqual(opsRun(forward), ['NormlabGroupNorm']);
    } finally {
      setNativeKernels(true);
      x.dispose();
    }
  });

  it('NORMLAB_NATIVE_KERNELS=0 runs the portable ops (a child process)', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { initBackend } = require('./lib/backend');
      const { opsRun } = require('./test/helpers/ops-run');
      const { normLayer } = require('./lib/norm/factory');
      initBackend().then(() => {
        const layer = normLayer('group', { groups: 2 });
        const x = tf.ones([2, 3, 3, 4]);
        const forward = () => tf.tidy(() => void layer.apply(x, { training: true }));
        forward(); // builds the layer (and probes the kernels once)
        console.log(JSON.stringify(opsRun(forward)));
      });`;
    const portable = childOutput<string[]>(script, { NORMLAB_NATIVE_KERNELS: '0' });
    assert.ok(!portable.some((n) => n.startsWith('Normlab')), `ran ${portable}`);
    assert.ok(portable.length > 5, `ran ${portable}`);
    assert.deepEqual(childOutput(script, { NORMLAB_NATIVE_KERNELS: '1' }), ['NormlabGroupNorm']);
    assert.deepEqual(childOutput(script, {}), ['NormlabGroupNorm']);
  });

  it('every instruction set this CPU supports gives the same numbers (child processes)', (t) => {
    const why = unavailable();
    if (why) return t.skip(why);
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { initBackend } = require('./lib/backend');
      const { normKernelsStatus } = require('./lib/native/norm-kernels-module');
      const { opsRun } = require('./test/helpers/ops-run');
      const { normLayer } = require('./lib/norm/factory');
      initBackend().then(() => {
        const layer = normLayer('group', { groups: 3, activation: 'relu' });
        const x = tf.sin(tf.range(0, 2 * 5 * 5 * 33).reshape([2, 5, 5, 33]));
        const f = (xs) => tf.sum(tf.mul(layer.apply(xs, { training: true }), tf.cos(xs)));
        let y, dx;
        const ops = opsRun(() => {
          y = Array.from(layer.apply(x, { training: true }).dataSync());
          dx = Array.from(tf.grad(f)(x).dataSync());
        });
        console.log(JSON.stringify({ isa: normKernelsStatus().module.isa, ops, y, dx }));
      });`;
    const runWith = (isa: string) => {
      const out = childOutput<{ isa: string; ops: string[]; y: number[]; dx: number[] }>(script, {
        NORMLAB_KERNEL_ISA: isa,
      });
      assert.ok(
        out.ops.includes('NormlabGroupNorm') && out.ops.includes('NormlabGroupNormGrad'),
        `ran ${out.ops}`,
      );
      return out;
    };
    const baseline = runWith('baseline');
    assert.equal(baseline.isa, 'baseline');
    const chosen = normKernelsStatus().module?.isa as string;
    for (const isa of ['avx2', 'avx512']) {
      const other = runWith(isa);
      // A named set the CPU lacks falls back to the widest one below it.
      if (isa === 'avx512' && chosen !== 'avx512') assert.equal(other.isa, chosen);
      else assert.equal(other.isa, isa);
      assertClose(Float32Array.from(other.y), Float32Array.from(baseline.y), 1e-6, 1e-6, `${isa} output`);
      assertClose(Float32Array.from(other.dx), Float32Array.from(baseline.dx), 1e-5, 1e-5, `${isa} dx`);
    }
  });
});
