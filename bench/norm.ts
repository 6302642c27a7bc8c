/**
 * Normalization benchmark: normlab's layers against tfjs-layers' built-in batch and layer
 * normalization and against no normalization.
 *
 * 1. forward + backward of each layer alone (gradients w.r.t. the input, γ and β) on conv features
 *    (default 64×28×28×32) and dense features (default 256×1024);
 * 2. a full training step (forward, backward, SGD update) of a small CNN with each normalization.
 *
 * Usage: `node --import tsx bench/norm.ts [--repeats R] [--steps N] [--only layers|cnn] [--batch B]
 * [--cnn-builtin-ln]`. tfjs' built-in layerNormalization is so slow on conv features (seconds per
 * step) that it is timed once, outside the interleaving, and left out of the CNN unless asked.
 * Each variant runs N steps per repeat after a warm-up; the R repeats are interleaved across the
 * variants (variant order rotated each repeat) and the median per-step time is reported, because
 * the machine is shared: medians of interleaved repeats keep the ratios honest. Both wall-clock time
 * and the process's CPU time (user + system over all threads, `process.cpuUsage`) are reported: on a
 * loaded machine the CPU time is the steadier measure of the work a variant costs.
 */
import * as tf from '@tensorflow/tfjs';
import { Command, Option } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { normLayer } from '../lib/norm/index';
import { sampleMedian as median } from '../lib/stats/basics';
import { wholeNumber } from '../scripts/cli-options';

interface Variant {
  name: string;
  /** One timed step; returns nothing, leaves no tensor behind. */
  step: () => void;
  dispose: () => void;
  /** Too slow to repeat: timed once after one warm-up step, outside the interleaving. */
  slow?: boolean;
}

interface NormBenchOptions {
  repeats: number;
  steps: number;
  only: 'all' | 'layers' | 'cnn';
  batch: number;
  cnnBuiltinLn: boolean;
}

function parseOptions(): NormBenchOptions {
  return new Command()
    .name('norm')
    .option('--repeats <r>', 'interleaved repeats', wholeNumber(1), 7)
    .option('--steps <n>', 'steps per repeat', wholeNumber(1), 5)
    .addOption(
      new Option('--only <part>', 'the layers alone or the CNN step')
        .choices(['all', 'layers', 'cnn'])
        .default('all'),
    )
    .option('--batch <b>', "the CNN's mini-batch size", wholeNumber(1), 64)
    .option('--cnn-builtin-ln', "also time tfjs' layerNormalization in the CNN (seconds per step)", false)
    .showHelpAfterError()
    .parse()
    .opts<NormBenchOptions>();
}

/** Per-step cost of a variant: wall-clock and process CPU (user + system, all threads) ms. */
interface Cost {
  wall: number;
  cpu: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median wall and CPU ms per step of each variant over interleaved repeats. */
function measure(all: Variant[], repeats: number, steps: number): Map<string, Cost> {
  const variants = all.filter((v) => !v.slow);
  for (const v of variants) for (let i = 0; i < 2; i++) v.step(); // warm-up
  const times = new Map<string, Cost[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < repeats; r++) {
    const order = variants.map((_, i) => variants[(i + r) % variants.length]);
    for (const v of order) {
      const t0 = performance.now();
      const c0 = cpuMs();
      for (let s = 0; s < steps; s++) v.step();
      times.get(v.name)!.push({ wall: (performance.now() - t0) / steps, cpu: (cpuMs() - c0) / steps });
    }
  }
  const result = new Map<string, Cost>(
    [...times].map(([k, ts]) => [
      k,
      { wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) },
    ]),
  );
  for (const v of all.filter((x) => x.slow)) {
    v.step();
    const t0 = performance.now();
    const c0 = cpuMs();
    v.step();
    result.set(`${v.name} (1 step)`, { wall: performance.now() - t0, cpu: cpuMs() - c0 });
  }
  return result;
}

/** forward+backward of one layer on features of `shape`. */
function layerVariant(name: string, make: (() => tf.layers.Layer) | null, shape: number[]): Variant {
  const x = tf.variable(tf.randomNormal(shape, 1, 2, 'float32', 1), true, `x_${name}_${shape.length}`);
  const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
  const layer = make ? make() : null;
  if (layer) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
  const vars = [x, ...(layer ? layer.trainableWeights.map((w) => w.read() as tf.Variable) : [])];
  return {
    name,
    step: () => {
      const { value, grads } = tf.variableGrads(() => {
        const y = layer ? (layer.apply(x, { training: true }) as tf.Tensor) : tf.relu(x);
        return tf.sum(tf.mul(y, dy));
      }, vars);
      // Read one number so the work is done before the clock stops.
      value.dataSync();
      for (const g of Object.values(grads)) g.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    },
    dispose: () => {
      layer?.dispose();
      tf.dispose([x, dy]);
    },
  };
}

/** The CNN: conv(32) → norm → ReLU → conv(32) → norm → ReLU → maxpool → conv(64) → norm → ReLU → GAP → dense(10). */
function cnnVariant(name: string, norm: (() => tf.layers.Layer) | null, batch: number): Variant {
  const layers: tf.layers.Layer[] = [];
  const conv = (filters: number, first = false) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias: norm === null,
    });
  for (const [i, f] of [32, 32, 64].entries()) {
    layers.push(conv(f, i === 0));
    if (norm) layers.push(norm());
    layers.push(tf.layers.reLU());
    if (i === 1) layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  layers.push(tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 10 }));
  const model = tf.sequential({ layers });
  const opt = tf.train.sgd(0.01);
  const xs = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
  const ys = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);
  return {
    name,
    step: () => {
      const loss = opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
        true,
      );
      loss!.dataSync();
      loss!.dispose();
    },
    dispose: () => {
      model.dispose();
      opt.dispose();
      tf.dispose([xs, ys]);
    },
  };
}

function report(title: string, ms: Map<string, Cost>, baseline: string, pairs: [string, string][]): void {
  console.log(`\n${title}`);
  console.log(
    `  ${'variant'.padEnd(34)} ${'wall ms'.padStart(9)} ${'ratio'.padStart(6)}   ${'CPU ms'.padStart(9)} ${'ratio'.padStart(6)}`,
  );
  const base = ms.get(baseline)!;
  for (const [k, v] of ms) {
    console.log(
      `  ${k.padEnd(34)} ${v.wall.toFixed(2).padStart(9)} ${(v.wall / base.wall).toFixed(2).padStart(5)}x   ` +
        `${v.cpu.toFixed(2).padStart(9)} ${(v.cpu / base.cpu).toFixed(2).padStart(5)}x`,
    );
  }
  console.log(`  (ratios vs ${baseline})`);
  for (const [ours, theirs] of pairs) {
    const a = ms.get(ours);
    const b = ms.get(theirs) ?? ms.get(`${theirs} (1 step)`);
    if (a && b) {
      console.log(
        `  speed-up ${ours} over ${theirs}: ${(b.wall / a.wall).toFixed(2)}x wall, ${(b.cpu / a.cpu).toFixed(2)}x CPU`,
      );
    }
  }
}

async function main(): Promise<void> {
  const { repeats, steps, only, batch, cnnBuiltinLn } = parseOptions();
  const info = await initBackend();
  console.log(
    `normlab norm bench: ${describeBackend(info)}; median of ${repeats} interleaved repeats × ${steps} steps`,
  );
  const ours = (kind: 'batch' | 'layer' | 'instance' | 'group') => () =>
    normLayer(kind, { groups: 8, axis: kind === 'layer' ? -1 : undefined });
  const builtinBn = () => tf.layers.batchNormalization();
  const builtinLn = () => tf.layers.layerNormalization();
  const pairs: [string, string][] = [
    ['normlab batch', 'tfjs batchNormalization'],
    ['normlab layer', 'tfjs layerNormalization'],
  ];

  if (only === 'all' || only === 'layers') {
    for (const [label, shape] of [
      ['conv features', [64, 28, 28, 32]],
      ['dense features', [256, 1024]],
    ] as [string, number[]][]) {
      const variants: Variant[] = [
        layerVariant('none (relu only)', null, shape),
        layerVariant('tfjs batchNormalization', builtinBn, shape),
        layerVariant('normlab batch', ours('batch'), shape),
        { ...layerVariant('tfjs layerNormalization', builtinLn, shape), slow: true },
        layerVariant('normlab layer', ours('layer'), shape),
        ...(shape.length === 4 ? [layerVariant('normlab instance', ours('instance'), shape)] : []),
        layerVariant('normlab group', ours('group'), shape),
      ];
      const ms = measure(variants, repeats, steps);
      for (const v of variants) v.dispose();
      report(
        `forward+backward, ${label} [${shape}] (layer = over the last axis, group = 8 groups)`,
        ms,
        'none (relu only)',
        pairs,
      );
    }
  }
  if (only === 'all' || only === 'cnn') {
    const variants: Variant[] = [
      cnnVariant('none', null, batch),
      cnnVariant('tfjs batchNormalization', builtinBn, batch),
      cnnVariant('normlab batch', ours('batch'), batch),
      ...(cnnBuiltinLn ? [{ ...cnnVariant('tfjs layerNormalization', builtinLn, batch), slow: true }] : []),
      cnnVariant('normlab layer', ours('layer'), batch),
      cnnVariant("normlab layer 'features'", () => normLayer('layer'), batch),
      cnnVariant('normlab instance', ours('instance'), batch),
      cnnVariant('normlab group', ours('group'), batch),
    ];
    const ms = measure(variants, repeats, steps);
    for (const v of variants) v.dispose();
    report(
      `small-CNN training step, batch ${batch} (3 conv layers + norm, SGD; layer = last axis unless 'features' = H,W,C)`,
      ms,
      'none',
      pairs,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
