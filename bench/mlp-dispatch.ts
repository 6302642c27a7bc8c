/**
 * Where the MLP's training step goes: how many TensorFlow ops it runs, and what share of its time
 * is per-op dispatch rather than arithmetic.
 *
 * For the MLP and MLP + BN of bench/twin-models.ts (normlab's layers, `trainStep` of lib/train, SGD
 * with momentum, batch 64), with normlab's native kernels on and off: the TensorFlow ops one step
 * runs (counted at the tensorflow backend's `executeSingleOutput` / `executeMultipleOutputs`, which
 * every tfjs-node kernel and every native path goes through), the median step time, and the step
 * time of the same network with hidden width 4 instead of 256: the same ops on tiny tensors, so
 * its time is dispatch (tfjs' engine, tfjs-node's binding, TensorFlow's eager runtime) with next
 * to no arithmetic. dispatch share = tiny step / full step, in wall time and in this process' CPU
 * time (all threads; steadier than wall time when other processes compete for the CPUs).
 * Interleaved rounds, medians.
 *
 * Usage: `node --import tsx bench/mlp-dispatch.ts [--rounds 7] [--steps 10]`
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { BatchBuffer } from '../lib/data/batches';
import type { ImageSplit } from '../lib/data/types';
import { setNativeKernels } from '../lib/native/tensorflow-ops';
import { disposeOptimizer, makeOptimizer } from '../lib/train/optimizer';
import { trainStep } from '../lib/train/trainer';
import { wholeNumber } from '../scripts/cli-options';
import { randomSplit } from './random-split';
import { buildTwin, type TwinModel } from './twin-models';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The backend methods every TensorFlow op goes through. */
interface Executing {
  executeSingleOutput: (...args: unknown[]) => unknown;
  executeMultipleOutputs: (...args: unknown[]) => unknown;
}

/** The number of TensorFlow ops `f` runs. */
function countOps(f: () => void): number {
  const backend = tf.backend() as unknown as Executing;
  const { executeSingleOutput, executeMultipleOutputs } = backend;
  let n = 0;
  backend.executeSingleOutput = function (this: unknown, ...args: unknown[]) {
    n++;
    return executeSingleOutput.apply(this, args);
  };
  backend.executeMultipleOutputs = function (this: unknown, ...args: unknown[]) {
    n++;
    return executeMultipleOutputs.apply(this, args);
  };
  try {
    f();
  } finally {
    backend.executeSingleOutput = executeSingleOutput;
    backend.executeMultipleOutputs = executeMultipleOutputs;
  }
  return n;
}

interface Variant {
  label: string;
  step: () => void;
  times: number[];
  cpu: number[];
  ops: number;
  dispose: () => void;
}

function variant(name: TwinModel, native: boolean, width: number, split: ImageSplit): Variant {
  setNativeKernels(native);
  const model = buildTwin(name, 'fastest', width);
  const buffer = new BatchBuffer(split, 64);
  buffer.fill(split, null, 0);
  const optimizer = makeOptimizer({ optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 1 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = (): void => {
    setNativeKernels(native);
    const out = trainStep(model, optimizer, vars, buffer, 10);
    out.dataSync();
    out.dispose();
  };
  for (let i = 0; i < 3; i++) step();
  const ops = countOps(step);
  const label = `${name} ${native ? 'native' : 'portable'}${width === 256 ? '' : ` width ${width}`}`;
  return {
    label,
    step,
    times: [],
    cpu: [],
    ops,
    dispose: () => {
      disposeOptimizer(optimizer);
      model.dispose();
    },
  };
}

async function main(): Promise<void> {
  const { rounds, steps } = new Command()
    .name('mlp-dispatch')
    .option('--rounds <n>', 'interleaved rounds', wholeNumber(1), 7)
    .option('--steps <n>', 'timed steps per round', wholeNumber(1), 10)
    .showHelpAfterError()
    .parse()
    .opts<{ rounds: number; steps: number }>();
  console.log(describeBackend(await initBackend()));
  const split = randomSplit(64);
  const loadStart = loadavg()[0];
  const variants: Variant[] = [];
  for (const name of ['mlp', 'mlp-bn'] as const)
    for (const native of [false, true])
      for (const width of [256, 4]) variants.push(variant(name, native, width, split));
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < steps; i++) v.step();
      const c = process.cpuUsage(c0);
      v.times.push((performance.now() - t0) / steps);
      v.cpu.push((c.user + c.system) / 1000 / steps);
    }
  }
  setNativeKernels(true);
  console.log(
    `\n${rounds} interleaved rounds of ${steps} steps; load average ${loadStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
  );
  const cols = ['TF ops/step', 'wall ms', 'CPU ms', 'dispatch (wall)', 'dispatch (CPU)'];
  console.log(`${'variant'.padEnd(28)}${cols.map((c) => c.padStart(16)).join('')}`);
  for (let i = 0; i < variants.length; i += 2) {
    for (const [j, v] of [variants[i], variants[i + 1]].entries()) {
      const cells = [String(v.ops), median(v.times).toFixed(2), median(v.cpu).toFixed(2)];
      if (j === 0) {
        const tiny = variants[i + 1];
        cells.push(`${((100 * median(tiny.times)) / median(v.times)).toFixed(0)}%`);
        cells.push(`${((100 * median(tiny.cpu)) / median(v.cpu)).toFixed(0)}%`);
      }
      console.log(`${v.label.padEnd(28)}${cells.map((c) => c.padStart(16)).join('')}`);
    }
  }
  for (const v of variants) v.dispose();
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
