/**
 * Batch norm's training kernels side by side: normlab's own (`NormlabBatchNorm`,
 * `NormlabBatchNormGrad`, native/kernels), TensorFlow's as this branch runs them when normlab's are
 * off (`FusedBatchNormV3` and `FusedBatchNormGradV3`, with a ReLU oneDNN's
 * `_MklNativeFusedBatchNormEx` then `ReluGrad`), and oneDNN's as branch `onednn` runs them
 * (`_MklNativeFusedBatchNormV3` / `_MklNativeFusedBatchNormEx` and
 * `_MklNativeFusedBatchNormGradV3`, by name under the kernel label `MklNameChangeOp`).
 *
 * For each shape (the benchmark CNN's batch norms, 64×28×28×32 and 64×14×14×64, and dense
 * 64×256) and activation (linear, ReLU), each contender is timed on:
 * - `forward`: the training forward op(s) alone;
 * - `gradient`: the gradient op(s) alone, on what that contender's forward saved;
 * - `next op after forward` / `after gradient`: the op that reads batch norm's output next in the
 *   CNN (2×2 max pooling after the forward, `Conv2DBackpropFilter` after the gradient), on the
 *   contender's output, just written. oneDNN writes its outputs with streaming stores, which
 *   leave them out of the caches (bench/batch-norm-stores.ts); normlab's kernels store normally,
 *   and this is where that shows;
 * - `layer step` (normlab and TensorFlow only): forward + gradient through the library's
 *   `nativeBatchNormTraining` with `overrideBatchNormKernel`, as a layer runs it (tfjs' engine
 *   gradient with `dy`, no loss op).
 * Rounds are interleaved (every contender once per round, the order reversed on odd rounds); each
 * entry is the median over rounds of the round's mean over `--reps` calls. tfjs-node runs ops
 * eagerly and synchronously, so nothing is read back. Ratios `other / normlab` above 1 mean
 * normlab's kernel is faster. Outputs and input gradients are compared too (largest difference
 * over the largest value), so a fast wrong kernel shows.
 *
 * Run it on a quiet machine (the load average is printed at both ends), at the thread count the
 * study uses: `TF_NUM_INTRAOP_THREADS` is read by TensorFlow and normlab's kernels alike.
 *
 * Usage: `node --import tsx bench/batch-norm-kernels.ts [--rounds 9] [--reps 10]
 * [--shapes conv1,conv2,dense] [--activations linear,relu]`
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { nativeBatchNormTraining } from '../lib/native/fused-batch-norm';
import { nativeKernelInfo } from '../lib/native/norm-kernels-module';
import {
  type BatchNormKernel,
  batchNormKernel,
  overrideBatchNormKernel,
} from '../lib/native/normlab-batch-norm';
import { type OpAttr, type TensorflowOps, tensorflowOps } from '../lib/native/tensorflow-ops';
import { sampleMedian as median } from '../lib/stats/basics';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { describeMachine, loadFooter, machineInfo, runBench } from './machine';

/** The shapes: batch norm's input `[N, H, W, C]` and the channels of the layer before it. */
const SHAPES = {
  conv1: { shape: [64, 28, 28, 32], inChannels: 1 },
  conv2: { shape: [64, 14, 14, 64], inChannels: 32 },
  dense: { shape: [64, 256], inChannels: 0 },
} as const;
type ShapeName = keyof typeof SHAPES;
const ACTIVATIONS = ['linear', 'relu'] as const;
type Activation = (typeof ACTIVATIONS)[number];

const CONTENDERS = ['normlab', 'tensorflow', 'oneDNN'] as const;
type Contender = (typeof CONTENDERS)[number];

const EPSILON = 1e-3;
const FACTOR = 0.1;
const LABEL = 'MklNameChangeOp';

/** A contender's ops: the forward (its outputs, the first one y) and the gradient (dx first). */
interface Kernels {
  forward: () => tf.Tensor[];
  gradient: (saved: tf.Tensor[]) => tf.Tensor[];
}

/** The fixed tensors of one case. */
interface Fixture {
  x: tf.Tensor;
  dy: tf.Tensor;
  gamma: tf.Tensor;
  beta: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
  /** The input of the convolution before batch norm (conv shapes only), for ∂filter. */
  layerInput: tf.Tensor | null;
}

function fusedAttrs(ops: TensorflowOps, forward: boolean, extra: OpAttr[] = []): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', EPSILON),
    ...(forward ? [ops.float('exponential_avg_factor', FACTOR)] : []),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', true),
    ...extra,
  ];
}

/** The 4-D view TensorFlow's fused kernels need (a dense [N, C] as [N, 1, 1, C]). */
function as4d(t: tf.Tensor): tf.Tensor {
  return t.rank === 4 ? t : tf.reshape(t, [t.shape[0], 1, 1, t.shape[t.rank - 1]]);
}

/**
 * A contender's kernels for `f`. `oneDnnBuild`: this TensorFlow has oneDNN's kernels (without
 * them TensorFlow's path runs the ReLU as an op of its own, as lib/native does).
 */
function kernels(ops: TensorflowOps, who: Contender, f: Fixture, relu: boolean, oneDnnBuild = true): Kernels {
  const stats = [f.gamma, f.beta, f.mean, f.variance];
  if (who === 'normlab') {
    const fwd = [
      ops.float('epsilon', EPSILON),
      ops.float('exponential_avg_factor', FACTOR),
      ops.bool('relu', relu),
    ];
    return {
      forward: () => ops.run('NormlabBatchNorm', fwd, [f.x, ...stats], 7),
      gradient: (s) =>
        ops.run(
          'NormlabBatchNormGrad',
          [ops.bool('relu', relu)],
          [f.dy, f.x, f.gamma, f.beta, s[1], s[2]],
          3,
        ),
    };
  }
  const oneDnn = who === 'oneDNN';
  const label = [ops.string('_kernel', LABEL)];
  const reluGrad = (dy: tf.Tensor, y: tf.Tensor) =>
    ops.run('ReluGrad', [ops.float32Type('T')], [dy, y], 1)[0];
  return {
    forward: () =>
      tf.tidy(() => {
        const x = as4d(f.x);
        const inputs = [x, ...stats];
        let out: tf.Tensor[];
        if (relu && !oneDnnBuild) {
          const [z, ...rest] = ops.run('FusedBatchNormV3', fusedAttrs(ops, true), inputs, 6);
          out = [ops.run('Relu', [ops.float32Type('T')], [z], 1)[0], ...rest];
        } else if (relu) {
          // Both run oneDNN's batch norm + ReLU kernel.
          const ex = [ops.string('activation_mode', 'Relu'), ops.ints('num_side_inputs', 0), ...label];
          out = ops.run('_MklNativeFusedBatchNormEx', fusedAttrs(ops, true, ex), inputs, 6);
        } else if (oneDnn) {
          out = ops.run('_MklNativeFusedBatchNormV3', fusedAttrs(ops, true, label), inputs, 6);
        } else {
          out = ops.run('FusedBatchNormV3', fusedAttrs(ops, true), inputs, 6);
        }
        return out.map((t) => tf.keep(t));
      }),
    gradient: (s) =>
      tf.tidy(() => {
        const x = as4d(f.x);
        const dy = relu ? reluGrad(as4d(f.dy), s[0]) : as4d(f.dy);
        const inputs = [dy, x, f.gamma, s[3], s[4], s[5]];
        const out = oneDnn
          ? ops.run('_MklNativeFusedBatchNormGradV3', fusedAttrs(ops, false, label), inputs, 5)
          : ops.run('FusedBatchNormGradV3', fusedAttrs(ops, false), inputs, 5);
        return out.map((t) => tf.keep(t));
      }),
  };
}

/** What each contender is timed on; `null` where a part does not apply. */
type Part = 'forward' | 'gradient' | 'next op after forward' | 'next op after gradient' | 'layer step';
const PARTS: Part[] = [
  'forward',
  'gradient',
  'next op after forward',
  'next op after gradient',
  'layer step',
];

/** The timed function of `part` for a contender, or null. It returns what to dispose. */
function timedPart(
  ops: TensorflowOps,
  part: Part,
  who: Contender,
  k: Kernels,
  f: Fixture,
  activation: Activation,
  saved: tf.Tensor[],
): { setup?: () => tf.Tensor[]; run: (input: tf.Tensor[]) => tf.Tensor[] } | null {
  const filterShape = (t: tf.Tensor): number[] => [3, 3, f.layerInput?.shape[3] ?? 1, t.shape[3] ?? 1];
  switch (part) {
    case 'forward':
      return { run: () => k.forward() };
    case 'gradient':
      return { run: () => k.gradient(saved) };
    case 'next op after forward':
      if (f.x.rank !== 4) return null;
      return { setup: () => k.forward(), run: (out) => [tf.maxPool(out[0] as tf.Tensor4D, 2, 2, 'valid')] };
    case 'next op after gradient': {
      const input = f.layerInput;
      if (!input) return null;
      return {
        setup: () => k.gradient(saved),
        run: (out) => [
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: input, dy: out[0] },
            {
              strides: [1, 1],
              pad: 'same',
              dataFormat: 'NHWC',
              dilations: [1, 1],
              filterShape: filterShape(out[0]),
            },
          ) as tf.Tensor,
        ],
      };
    }
    case 'layer step': {
      if (who === 'oneDNN') return null;
      const kernel: BatchNormKernel = who;
      const running = { mean: f.mean, variance: f.variance };
      return {
        run: () => {
          overrideBatchNormKernel(kernel);
          if (batchNormKernel(ops) !== kernel)
            throw new Error(`${kernel}'s batch-norm kernel does not run here`);
          const { value, grads } = tf.engine().gradients(
            () => {
              const r = nativeBatchNormTraining(
                f.x,
                f.gamma,
                f.beta,
                EPSILON,
                -1,
                running,
                1 - FACTOR,
                activation,
              );
              if (!r) throw new Error('the native batch-norm path does not apply');
              tf.dispose([r.runningMean, r.unbiasedRunningVariance, r.batchVariance]);
              r.biasedRunningVariance?.dispose();
              return r.output;
            },
            [f.x, f.gamma, f.beta],
            f.dy,
          );
          overrideBatchNormKernel(null);
          return [value, ...grads];
        },
      };
    }
  }
}

/**
 * Largest |a − b| over the largest |b|, in row-major order (the shapes may differ: 2-D and 4-D
 * views), and how many entries differ by more than 1e-4 of that largest |b|.
 */
function difference(a: tf.Tensor, b: tf.Tensor): string {
  const [p, q] = [a.dataSync(), b.dataSync()];
  let scale = 0;
  for (const v of q) scale = Math.max(scale, Math.abs(v));
  scale ||= 1;
  let worst = 0;
  let far = 0;
  for (let i = 0; i < q.length; i++) {
    const d = Math.abs(p[i] - q[i]) / scale;
    worst = Math.max(worst, d);
    if (d > 1e-4) far++;
  }
  return `${worst.toExponential(1)}${far ? ` (${far} of ${q.length} entries past 1e-4)` : ''}`;
}

function fixture(name: ShapeName): Fixture {
  const { shape, inChannels } = SHAPES[name];
  const c = shape[shape.length - 1];
  return {
    x: tf.randomNormal([...shape], 1, 2, 'float32', 1),
    dy: tf.randomNormal([...shape], 0, 1, 'float32', 2),
    gamma: tf.randomUniform([c], 0.5, 1.5, 'float32', 3),
    beta: tf.randomNormal([c], 0, 1, 'float32', 4),
    mean: tf.zeros([c]),
    variance: tf.ones([c]),
    layerInput: inChannels
      ? tf.randomNormal([shape[0], shape[1], shape[2], inChannels], 0, 1, 'float32', 5)
      : null,
  };
}

/** Whether oneDNN's batch-norm kernels run on this build. */
function hasOneDnn(ops: TensorflowOps, f: Fixture): boolean {
  try {
    const k = kernels(ops, 'oneDNN', f, false);
    const out = k.forward();
    const g = k.gradient(out);
    tf.dispose([...out, ...g]);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const o = new Command()
    .name('batch-norm-kernels')
    .option('--rounds <n>', 'interleaved rounds', wholeNumber(1), 9)
    .option('--reps <n>', 'calls of each contender per round', wholeNumber(1), 10)
    .option('--shapes <list>', 'conv1, conv2, dense', someOf(Object.keys(SHAPES)), Object.keys(SHAPES))
    .option('--activations <list>', 'linear, relu', someOf(ACTIVATIONS), [...ACTIVATIONS])
    .showHelpAfterError()
    .parse()
    .opts<{ rounds: number; reps: number; shapes: ShapeName[]; activations: Activation[] }>();
  console.log(describeBackend(await initBackend()));
  console.log(await describeMachine());
  console.log(
    `normlab kernels: ${nativeKernelInfo()}; TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS ?? '(unset)'}`,
  );
  const machine = await machineInfo();
  const ops = tensorflowOps();
  if (!ops) throw new Error("batch-norm-kernels needs tfjs-node's tensorflow backend with native kernels on");
  overrideBatchNormKernel('normlab');
  if (batchNormKernel(ops) !== 'normlab')
    throw new Error("normlab's batch-norm kernels do not run here (setup built them?)");
  overrideBatchNormKernel(null);

  console.log(
    `\nms per call, median over ${o.rounds} rounds of the mean of ${o.reps} calls; ratio > 1: normlab faster\n`,
  );
  console.log('| case | part | normlab | TensorFlow | oneDNN | TensorFlow / normlab | oneDNN / normlab |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const checks: string[] = [];
  for (const shapeName of o.shapes) {
    const f = fixture(shapeName);
    const withOneDnn = hasOneDnn(ops, f);
    for (const activation of o.activations) {
      const relu = activation === 'relu';
      const who = CONTENDERS.filter((c) => c !== 'oneDNN' || withOneDnn);
      const ks = new Map(who.map((c) => [c, kernels(ops, c, f, relu, withOneDnn)]));
      const saved = new Map(who.map((c) => [c, ks.get(c)?.forward() ?? []]));
      // Correctness: y and ∂x of every contender against normlab's.
      const grads = new Map(who.map((c) => [c, ks.get(c)?.gradient(saved.get(c) ?? []) ?? []]));
      const first = (m: Map<Contender, tf.Tensor[]>, c: Contender) => (m.get(c) ?? [])[0];
      for (const c of who.filter((c) => c !== 'normlab')) {
        const [y, dx] = [saved, grads].map((m) => difference(first(m, c), first(m, 'normlab')));
        checks.push(`${shapeName} ${activation}: ${c} against normlab, y ${y}, ∂x ${dx}`);
      }
      tf.dispose([...grads.values()].flat());
      const cells = PARTS.flatMap((part) =>
        who.flatMap((c) => {
          const t = timedPart(ops, part, c, ks.get(c) as Kernels, f, activation, saved.get(c) ?? []);
          return t ? [{ part, who: c, ...t, times: [] as number[] }] : [];
        }),
      );
      const once = (cell: (typeof cells)[number]): number => {
        let total = 0;
        for (let i = 0; i < o.reps; i++) {
          const input = cell.setup?.() ?? [];
          const t0 = performance.now();
          const out = cell.run(input);
          total += performance.now() - t0;
          tf.dispose([...input, ...out]);
        }
        return total / o.reps;
      };
      for (const cell of cells) once(cell); // warm-up: kernels built, primitives cached
      for (let r = 0; r < o.rounds; r++) {
        const order = r % 2 === 0 ? cells : [...cells].reverse();
        for (const cell of order) cell.times.push(once(cell));
      }
      for (const part of PARTS) {
        const ms = (c: Contender) => {
          const cell = cells.find((x) => x.part === part && x.who === c);
          return cell ? median(cell.times) : undefined;
        };
        const [n, t, d] = CONTENDERS.map(ms);
        if (n === undefined) continue;
        const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));
        const ratio = (v: number | undefined) => (v === undefined ? '-' : (v / n).toFixed(2));
        console.log(
          `| ${shapeName} ${SHAPES[shapeName].shape.join('×')} ${activation} | ${part} | ${fmt(n)} | ${fmt(t)} | ${fmt(d)} | ${ratio(t)} | ${ratio(d)} |`,
        );
      }
      tf.dispose([...saved.values()].flat());
    }
    tf.dispose([f.x, f.dy, f.gamma, f.beta, f.mean, f.variance, ...(f.layerInput ? [f.layerInput] : [])]);
  }
  console.log(
    '\nlargest differences (over the largest value); with a ReLU, ∂x differs in full where an output ' +
      "rounds to 0 in one kernel and not in the other (each masks by its own output's sign):",
  );
  console.log(`  ${checks.join('\n  ')}`);
  console.log(`\n${loadFooter(machine)}`);
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

runBench(main);
