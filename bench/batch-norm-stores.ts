/**
 * What batch norm's outputs cost the ops that read them next, on the native backend.
 *
 * oneDNN's float32 batch-norm kernels (`_MklNativeFusedBatchNormEx`, which batch norm + ReLU runs
 * on TensorFlow's path, and `_MklNativeFusedBatchNormGradV3`, run by name) write their output with
 * non-temporal ("streaming") stores whenever the output buffer is aligned to the vector width,
 * and TensorFlow's allocator always aligns it. Such stores go to memory around the caches, so the
 * op that reads the tensor next (the max pooling after batch norm + ReLU in the forward pass, the
 * convolution's gradient ops after batch norm's gradient) fetches it from memory instead of the
 * cache. Neither TensorFlow nor oneDNN has a switch for this. (normlab's own kernels, which batch
 * norm trains on by default, write through the cache; bench/batch-norm-kernels.ts times them and
 * their readers.)
 *
 * This benchmark measures that cost on the CNN of bench/twin-models.ts (batch 64). Each consumer
 * op is timed three ways, rotated rep by rep, medians: right after batch norm wrote its input
 * (`after BN`); right after an ordinary op wrote the same values to a new buffer (`after copy`:
 * `Relu` of the non-negative forward output, `Mul` by 1 of the gradient), which is how the step
 * without batch norm feeds these ops (its ReLU and convolutions write through the cache); and on
 * that copy after reading 64 MiB of something else (`evicted`), the input certainly out of the
 * caches. `after BN` close to `evicted` says the consumer reads batch norm's output from memory;
 * `extra` (after BN − after copy, summed over the step's consumers) is what that costs the CNN + BN
 * training step.
 *
 * Usage: `node --import tsx bench/batch-norm-stores.ts [--rounds 5] [--reps 40]`
 */
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { type TensorflowOps, tensorflowOps } from '../lib/native/tensorflow-ops';
import { sampleMedian as median } from '../lib/stats/basics';
import { wholeNumber } from '../scripts/cli-options';

/** One consumer of a batch-norm output: what writes its input, and the op that reads it. */
interface Case {
  label: string;
  /** Run batch norm (forward or gradient); returns the tensor the consumer reads and what to dispose. */
  produce: () => { input: tf.Tensor; garbage: tf.Tensor[] };
  /** Write the same values to a fresh buffer with an ordinary op. */
  copy: (t: tf.Tensor) => tf.Tensor;
  /** The consumer; returns its outputs. */
  consume: (t: tf.Tensor) => tf.Tensor[];
}

function bnForward(ops: TensorflowOps, x: tf.Tensor, channels: number): tf.Tensor[] {
  const attrs = [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', 1e-5),
    ops.float('exponential_avg_factor', 0.1),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', true),
    ops.string('activation_mode', 'Relu'),
    ops.ints('num_side_inputs', 0),
    ops.string('_kernel', 'MklNameChangeOp'),
  ];
  return tf.tidy(() => {
    const inputs = [x, tf.ones([channels]), tf.zeros([channels]), tf.zeros([channels]), tf.ones([channels])];
    return ops.run('_MklNativeFusedBatchNormEx', attrs, inputs, 6).map((t) => tf.keep(t));
  });
}

function bnGradient(ops: TensorflowOps, x: tf.Tensor, dy: tf.Tensor, channels: number): tf.Tensor[] {
  const attrs = [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', 1e-5),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', true),
    ops.string('_kernel', 'MklNameChangeOp'),
  ];
  const forward = bnForward(ops, x, channels);
  const [, , , savedMean, savedVar, reserve] = forward;
  const gamma = tf.ones([channels]);
  const out = ops.run(
    '_MklNativeFusedBatchNormGradV3',
    attrs,
    [dy, x, gamma, savedMean, savedVar, reserve],
    5,
  );
  tf.dispose([...forward, gamma]);
  return out;
}

function maxPool(ops: TensorflowOps, t: tf.Tensor): tf.Tensor[] {
  const attrs = [
    ops.float32Type('T'),
    ops.ints('ksize', [1, 2, 2, 1]),
    ops.ints('strides', [1, 2, 2, 1]),
    ops.string('padding', 'VALID'),
    ops.string('data_format', 'NHWC'),
    ops.string('_kernel', 'MklNameChangeOp'),
    ops.bool('workspace_enabled', true),
  ];
  return ops.run('_MklNativeMaxPool', attrs, [t], 2);
}

/** The cases, and the tensors they share (dispose them at the end). */
function cases(ops: TensorflowOps): { list: Case[]; fixtures: tf.Tensor[] } {
  const relu = (t: tf.Tensor): tf.Tensor => ops.run('Relu', [ops.float32Type('T')], [t], 1)[0];
  const timesOne = (t: tf.Tensor): tf.Tensor => tf.mul(t, 1);
  const list: Case[] = [];
  const fixtures: tf.Tensor[] = [];
  for (const [h, cIn, c] of [
    [28, 1, 32],
    [14, 32, 64],
  ]) {
    const x = tf.keep(tf.randomNormal([64, h, h, c]));
    const dy = tf.keep(tf.randomNormal([64, h, h, c]));
    const layerInput = tf.keep(tf.randomNormal([64, h, h, cIn]));
    const filter = tf.keep(tf.randomNormal([3, 3, cIn, c]));
    fixtures.push(x, dy, layerInput, filter);
    const convArgs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
    const shape = `64×${h}×${h}×${c}`;
    list.push({
      label: `max pool after batch norm + ReLU, ${shape}`,
      produce: () => {
        const [y, ...garbage] = bnForward(ops, x, c);
        return { input: y, garbage };
      },
      copy: relu,
      consume: (t) => maxPool(ops, t),
    });
    // The convolution's gradient ops read batch norm's input gradient.
    const afterGradient = (op: string, consume: (dx: tf.Tensor) => tf.Tensor): Case => ({
      label: `${op} after batch norm's gradient, ${shape}`,
      produce: () => {
        const [dx, ...garbage] = bnGradient(ops, x, dy, c);
        return { input: dx, garbage };
      },
      copy: timesOne,
      consume: (t) => [consume(t)],
    });
    list.push(
      afterGradient(
        'Conv2DBackpropFilter',
        (t) =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: layerInput, dy: t },
            {
              ...convArgs,
              filterShape: filter.shape,
            },
          ) as tf.Tensor,
      ),
    );
    // The first convolution needs no gradient w.r.t. its input (the data).
    if (cIn > 1) {
      list.push(
        afterGradient(
          'Conv2DBackpropInput',
          (t) =>
            tf.engine().runKernel(
              'Conv2DBackpropInput',
              { dy: t, filter },
              {
                ...convArgs,
                inputShape: layerInput.shape,
              },
            ) as tf.Tensor,
        ),
      );
    }
  }
  return { list, fixtures };
}

/** How the consumer's input is prepared. */
type Variant = 'direct' | 'copied' | 'evicted';
const VARIANTS: Variant[] = ['direct', 'copied', 'evicted'];

/** A 64 MiB tensor, twice the last-level cache of the machine these numbers come from. */
let sweep: tf.Tensor | null = null;

/** Push everything else out of the caches: read 64 MiB (a sum, so nothing large is allocated). */
function evictCaches(): void {
  sweep ??= tf.keep(tf.ones([16 * 1024 * 1024]));
  tf.dispose(tf.sum(sweep));
}

/**
 * Milliseconds `c.consume` takes on batch norm's output (`direct`), on a copy written by an
 * ordinary op (`copied`), and on that copy after the caches were swept (`evicted`).
 */
function timeOnce(c: Case, variant: Variant): number {
  const { input, garbage } = c.produce();
  const source = variant === 'direct' ? input : c.copy(input);
  if (variant === 'evicted') evictCaches();
  const t0 = performance.now();
  const out = c.consume(source);
  const ms = performance.now() - t0;
  tf.dispose([...out, input, source, ...garbage]);
  return ms;
}

async function main(): Promise<void> {
  const { rounds, reps } = new Command()
    .name('batch-norm-stores')
    .option('--rounds <n>', 'rounds (the variants rotated in each)', wholeNumber(1), 5)
    .option('--reps <n>', 'timed repetitions of each consumer op per round', wholeNumber(1), 40)
    .showHelpAfterError()
    .parse()
    .opts<{ rounds: number; reps: number }>();
  console.log(describeBackend(await initBackend()));
  const ops = tensorflowOps();
  if (!ops) throw new Error('bench/batch-norm-stores.ts needs the native tensorflow backend (tfjs-node)');
  const loadStart = loadavg();
  const { list, fixtures } = cases(ops);
  const times = list.map(() => new Map<Variant, number[]>(VARIANTS.map((v) => [v, []])));
  for (const c of list) for (let i = 0; i < 5; i++) for (const v of VARIANTS) timeOnce(c, v);
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of list.entries()) {
      // Rotate the variants rep by rep, so all of them see the same machine.
      for (let k = 0; k < reps; k++) {
        for (let j = 0; j < VARIANTS.length; j++) {
          const v = VARIANTS[(j + k + r) % VARIANTS.length];
          times[i].get(v)?.push(timeOnce(c, v));
        }
      }
    }
  }
  console.log(`\n${rounds} rounds × ${reps} reps of each variant, medians, ms; ${cpus().length} CPUs`);
  console.log(
    `${'consumer'.padEnd(62)}${'after BN'.padStart(10)}${'after copy'.padStart(12)}${'evicted'.padStart(9)}` +
      `${'BN/copy'.padStart(9)}${'extra'.padStart(8)}`,
  );
  let extra = 0;
  for (const [i, c] of list.entries()) {
    const [direct, copied, evicted] = VARIANTS.map((v) => median(times[i].get(v) ?? []));
    extra += direct - copied;
    console.log(
      `${c.label.padEnd(62)}${direct.toFixed(3).padStart(10)}${copied.toFixed(3).padStart(12)}` +
        `${evicted.toFixed(3).padStart(9)}${(direct / copied).toFixed(2).padStart(9)}${(direct - copied).toFixed(3).padStart(8)}`,
    );
  }
  console.log(`extra time per CNN + BN training step: ${extra.toFixed(2)} ms`);
  console.log(
    `\nload average at the start ${loadStart.map((l) => l.toFixed(1)).join(' ')}, at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  tf.dispose([...fixtures, ...(sweep ? [sweep] : [])]);
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
