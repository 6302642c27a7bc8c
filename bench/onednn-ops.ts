/**
 * TensorFlow's portable kernels against oneDNN's, op by op, on the benchmark CNN's tensors.
 *
 * tfjs-node calls TensorFlow's ops by their plain names (`Conv2D`, `Conv2DBackpropFilter`,
 * `FusedBatchNormGradV3`, …), and an eager call by a plain name gets TensorFlow's portable
 * (Eigen) kernel: TensorFlow puts oneDNN's kernels in their place only when it rewrites a graph.
 * oneDNN's kernels run by their own names (`_MklNative…`, kernel label `MklNameChangeOp`), which is
 * how lib/native calls them. This bench times each pair on the shapes of bench/twin-models.ts' CNN
 * (batch 64, 3×3 convolutions 1 → 32 channels at 28×28 and 32 → 64 at 14×14, batch norm after
 * each), interleaved: every round runs each contender `--reps` times, the order reversed on odd
 * rounds, and the table gives the median over rounds of each round's mean, with the ratio
 * portable / oneDNN. Outputs are compared too (largest difference over the largest value).
 *
 * Usage: `node --import tsx bench/onednn-ops.ts [--rounds 7] [--reps 5]`.
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { type OpAttr, type TensorflowOps, tensorflowOps } from '../lib/native/tensorflow-ops';
import { sampleMedian as median } from '../lib/stats/basics';
import { wholeNumber } from '../scripts/cli-options';
import { describeMachine, loadFooter, machineInfo, runBench } from './machine';

/** One op pair: what it computes and how to run each side (outputs owned by the caller). */
interface Pair {
  what: string;
  portable: () => tf.Tensor[];
  oneDnn: () => tf.Tensor[];
}

const LABEL = 'MklNameChangeOp';

function convAttrs(ops: TensorflowOps, forward: boolean, label: boolean): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.ints('strides', [1, 1, 1, 1]),
    ops.bool('use_cudnn_on_gpu', true),
    ...(forward ? [ops.bool('is_filter_const', false)] : []),
    ops.string('padding', 'SAME'),
    ops.string('data_format', 'NHWC'),
    ops.ints('explicit_paddings', []),
    ops.ints('dilations', [1, 1, 1, 1]),
    ...(label ? [ops.string('_kernel', LABEL)] : []),
  ];
}

function bnAttrs(ops: TensorflowOps, forward: boolean, label: boolean): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.float32Type('U'),
    ops.float('epsilon', 1e-3),
    ...(forward ? [ops.float('exponential_avg_factor', 0.1)] : []),
    ops.string('data_format', 'NHWC'),
    ops.bool('is_training', true),
    ...(label ? [ops.string('_kernel', LABEL)] : []),
  ];
}

/** The pairs of one convolution layer `[N, H, W, cIn] → cOut` and its batch norm. */
function layerPairs(ops: TensorflowOps, shape: [number, number, number, number], cOut: number): Pair[] {
  const [n, h, w, cIn] = shape;
  const x = tf.keep(tf.randomNormal(shape, 0, 1, 'float32', 1));
  const filter = tf.keep(tf.randomNormal([3, 3, cIn, cOut], 0, 0.3, 'float32', 2));
  const dy = tf.keep(tf.randomNormal([n, h, w, cOut], 0, 1, 'float32', 3));
  const filterSizes = tf.keep(tf.tensor1d([3, 3, cIn, cOut], 'int32'));
  const inputSizes = tf.keep(tf.tensor1d(shape, 'int32'));
  const y = tf.keep(tf.randomNormal([n, h, w, cOut], 1, 2, 'float32', 4));
  const stats = [tf.ones([cOut]), tf.zeros([cOut]), tf.zeros([cOut]), tf.ones([cOut])].map((t) => tf.keep(t));
  const bnInputs = [y, ...stats];
  // Each gradient reads what its own family's forward saved.
  const saved = (name: string, label: boolean) => {
    const out = ops.run(name, bnAttrs(ops, true, label), bnInputs, 6);
    return out.map((t) => tf.keep(t));
  };
  const [portableSaved, oneDnnSaved] = [
    saved('FusedBatchNormV3', false),
    saved('_MklNativeFusedBatchNormV3', true),
  ];
  const bnGrad = (name: string, label: boolean, s: tf.Tensor[]) => () =>
    ops.run(name, bnAttrs(ops, false, label), [dy, y, stats[0], s[3], s[4], s[5]], 5);
  const at = `${h}×${w}, ${cIn} → ${cOut}`;
  const pairs: Pair[] = [
    {
      what: `conv forward, ${at}`,
      portable: () => ops.run('Conv2D', convAttrs(ops, true, false), [x, filter], 1),
      oneDnn: () => ops.run('_MklNativeConv2D', convAttrs(ops, true, true), [x, filter], 1),
    },
    {
      what: `conv ∂filter, ${at}`,
      portable: () => ops.run('Conv2DBackpropFilter', convAttrs(ops, false, false), [x, filterSizes, dy], 1),
      oneDnn: () =>
        ops.run('_MklNativeConv2DBackpropFilter', convAttrs(ops, false, true), [x, filterSizes, dy], 1),
    },
    {
      what: `batch norm forward, ${h}×${w}×${cOut}`,
      portable: () => ops.run('FusedBatchNormV3', bnAttrs(ops, true, false), bnInputs, 6),
      oneDnn: () => ops.run('_MklNativeFusedBatchNormV3', bnAttrs(ops, true, true), bnInputs, 6),
    },
    {
      what: `batch norm gradient, ${h}×${w}×${cOut}`,
      portable: bnGrad('FusedBatchNormGradV3', false, portableSaved),
      oneDnn: bnGrad('_MklNativeFusedBatchNormGradV3', true, oneDnnSaved),
    },
  ];
  // The network's first layer reads the data: no gradient w.r.t. its input.
  if (cIn > 1)
    pairs.splice(2, 0, {
      what: `conv ∂input, ${at}`,
      portable: () =>
        ops.run('Conv2DBackpropInput', convAttrs(ops, false, false), [inputSizes, filter, dy], 1),
      oneDnn: () =>
        ops.run('_MklNativeConv2DBackpropInput', convAttrs(ops, false, true), [inputSizes, filter, dy], 1),
    });
  return pairs;
}

/** Mean ms of `reps` calls of `run`, each read back so the kernel has finished. */
function timed(run: () => tf.Tensor[], reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const out = run();
    out[0].dataSync();
    tf.dispose(out);
  }
  return (performance.now() - t0) / reps;
}

/** Largest |a − b| over the largest |b|, on the first outputs of the two sides. */
function difference(pair: Pair): number {
  const [a, b] = [pair.oneDnn(), pair.portable()];
  const [p, q] = [a[0].dataSync(), b[0].dataSync()];
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < q.length; i++) {
    worst = Math.max(worst, Math.abs(p[i] - q[i]));
    scale = Math.max(scale, Math.abs(q[i]));
  }
  tf.dispose([...a, ...b]);
  return worst / (scale || 1);
}

async function main(): Promise<void> {
  const { rounds, reps } = new Command()
    .name('onednn-ops')
    .option('--rounds <n>', 'interleaved rounds', wholeNumber(1), 7)
    .option('--reps <n>', 'calls of each op per round', wholeNumber(1), 5)
    .showHelpAfterError()
    .parse()
    .opts<{ rounds: number; reps: number }>();
  console.log(describeBackend(await initBackend()));
  console.log(await describeMachine());
  const machine = await machineInfo();
  const ops = tensorflowOps();
  if (!ops) throw new Error("onednn-ops needs tfjs-node's tensorflow backend with native kernels on");
  const pairs = [...layerPairs(ops, [64, 28, 28, 1], 32), ...layerPairs(ops, [64, 14, 14, 32], 64)];
  const times = pairs.map(() => ({ portable: [] as number[], oneDnn: [] as number[] }));
  for (const pair of pairs) {
    // Warm-up: the first call of an op builds its kernel (and oneDNN its primitive).
    timed(pair.portable, 1);
    timed(pair.oneDnn, 1);
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? pairs.map((_, i) => i) : pairs.map((_, i) => pairs.length - 1 - i);
    for (const i of order) {
      const sides = r % 2 === 0 ? (['portable', 'oneDnn'] as const) : (['oneDnn', 'portable'] as const);
      for (const side of sides) times[i][side].push(timed(pairs[i][side], reps));
    }
  }
  console.log(`\nms per call, median of ${rounds} rounds × ${reps} calls\n`);
  console.log('| op | portable | oneDNN | portable / oneDNN | largest difference |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [i, pair] of pairs.entries()) {
    const [p, o] = [median(times[i].portable), median(times[i].oneDnn)];
    console.log(
      `| ${pair.what} | ${p.toFixed(2)} | ${o.toFixed(2)} | ${(p / o).toFixed(2)} | ${difference(pair).toExponential(1)} |`,
    );
  }
  console.log(`\n${loadFooter(machine)}`);
}

runBench(main);
