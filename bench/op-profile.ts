/**
 * Where a training step's time goes, op by op: wall time spent in each TensorFlow op the step runs
 * (timed at the tensorflow backend's `executeSingleOutput` / `executeMultipleOutputs`), summed over
 * steps and sorted, with the share of the step that is outside any op (tfjs' engine and tape).
 *
 * Usage: `node --import tsx bench/op-profile.ts [--model cnn-bn] [--steps 30]`
 */
import * as tf from '@tensorflow/tfjs';
import { Command, Option } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { BatchBuffer } from '../lib/data/batches';
import { disposeOptimizer, makeOptimizer } from '../lib/train/optimizer';
import { trainStep } from '../lib/train/trainer';
import { wholeNumber } from '../scripts/cli-options';
import { randomSplit } from './random-split';
import { buildTwin, TWIN_MODELS, type TwinModel } from './twin-models';

interface Executing {
  executeSingleOutput: (name: string, ...rest: unknown[]) => unknown;
  executeMultipleOutputs: (name: string, ...rest: unknown[]) => unknown;
}

async function main(): Promise<void> {
  const { model: name, steps } = new Command()
    .name('op-profile')
    .addOption(new Option('--model <name>', 'the twin model').choices(TWIN_MODELS).default('cnn-bn'))
    .option('--steps <n>', 'profiled training steps', wholeNumber(1), 30)
    .showHelpAfterError()
    .parse()
    .opts<{ model: TwinModel; steps: number }>();
  console.log(describeBackend(await initBackend()));
  const split = randomSplit(64);
  const model = buildTwin(name, 'fastest');
  const buffer = new BatchBuffer(split, 64);
  buffer.fill(split, null, 0);
  const optimizer = makeOptimizer({ optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 1 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = (): void => {
    const out = trainStep(model, optimizer, vars, buffer, 10);
    out.dataSync();
    out.dispose();
  };
  for (let i = 0; i < 5; i++) step();
  const backend = tf.backend() as unknown as Executing;
  const single = backend.executeSingleOutput;
  const multiple = backend.executeMultipleOutputs;
  const totals = new Map<string, { ms: number; n: number }>();
  const timed = (f: (name: string, ...rest: unknown[]) => unknown) =>
    function (this: unknown, op: string, ...rest: unknown[]) {
      const t0 = performance.now();
      const out = f.call(this, op, ...rest);
      const e = totals.get(op) ?? { ms: 0, n: 0 };
      e.ms += performance.now() - t0;
      e.n++;
      totals.set(op, e);
      return out;
    };
  backend.executeSingleOutput = timed(single);
  backend.executeMultipleOutputs = timed(multiple);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const wall = (performance.now() - t0) / steps;
  backend.executeSingleOutput = single;
  backend.executeMultipleOutputs = multiple;
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const inOps = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  console.log(
    `${name}: ${wall.toFixed(2)} ms/step, ${inOps.toFixed(2)} ms in ops, ${(wall - inOps).toFixed(2)} ms outside`,
  );
  for (const [op, e] of rows)
    console.log(
      `${op.padEnd(32)}${(e.ms / steps).toFixed(3).padStart(10)} ms${(e.n / steps).toFixed(0).padStart(6)} calls`,
    );
  disposeOptimizer(optimizer);
  model.dispose();
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
