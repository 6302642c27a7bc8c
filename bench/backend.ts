/**
 * Backend benchmark: training samples/s of a small CNN and an MLP on the active backend, with and
 * without tfjs-layers' built-in batch normalization, and the ratio between them.
 *
 * Usage: `npm run bench` (or `node --import tsx bench/backend.ts [--steps N] [--repeats R] [--batch B]`).
 * Each configuration is timed over R interleaved repeats of N `trainOnBatch` steps after a warm-up,
 * and the median is reported: on a shared machine, medians of interleaved runs keep ratios honest.
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { sampleMedian as median } from '../lib/stats/basics';
import { wholeNumber } from '../scripts/cli-options';

type Arch = 'cnn' | 'mlp';

function buildModel(arch: Arch, withBn: boolean): tf.Sequential {
  const m = tf.sequential();
  if (arch === 'cnn') {
    m.add(
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        useBias: !withBn,
      }),
    );
    if (withBn) m.add(tf.layers.batchNormalization());
    m.add(tf.layers.reLU());
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: !withBn }));
    if (withBn) m.add(tf.layers.batchNormalization());
    m.add(tf.layers.reLU());
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
  } else {
    m.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    for (const units of [256, 128]) {
      m.add(tf.layers.dense({ units, useBias: !withBn }));
      if (withBn) m.add(tf.layers.batchNormalization());
      m.add(tf.layers.reLU());
    }
  }
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.sgd(0.05), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

async function timeSteps(model: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor, steps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(xs, ys);
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const { steps, repeats, batch } = new Command()
    .name('bench')
    .option('--steps <n>', 'trainOnBatch steps per repeat', wholeNumber(1), 20)
    .option('--repeats <n>', 'interleaved repeats', wholeNumber(1), 5)
    .option('--batch <n>', 'mini-batch size', wholeNumber(1), 64)
    .showHelpAfterError()
    .parse()
    .opts<{ steps: number; repeats: number; batch: number }>();
  console.log(describeBackend(await initBackend()));
  console.log(`batch ${batch}, ${steps} steps per repeat, median of ${repeats} interleaved repeats\n`);
  const xs = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 1);
  const ys = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % 10),
    'float32',
  );
  console.log('model  samples/s (no norm)  samples/s (tfjs BN)  BN step time / no-norm step time');
  for (const arch of ['cnn', 'mlp'] as Arch[]) {
    const plain = buildModel(arch, false);
    const bn = buildModel(arch, true);
    await timeSteps(plain, xs, ys, 3);
    await timeSteps(bn, xs, ys, 3);
    const tPlain: number[] = [];
    const tBn: number[] = [];
    for (let r = 0; r < repeats; r++) {
      tPlain.push(await timeSteps(plain, xs, ys, steps));
      tBn.push(await timeSteps(bn, xs, ys, steps));
    }
    const sPlain = (steps * batch) / median(tPlain);
    const sBn = (steps * batch) / median(tBn);
    console.log(
      `${arch.padEnd(5)}  ${sPlain.toFixed(0).padStart(19)}  ${sBn.toFixed(0).padStart(19)}  ${(sPlain / sBn).toFixed(2).padStart(8)}x`,
    );
    for (const m of [plain, bn]) {
      m.optimizer.dispose();
      m.dispose();
    }
  }
  tf.dispose([xs, ys]);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
