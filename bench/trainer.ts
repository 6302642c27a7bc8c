/**
 * Trainer benchmark: training samples/s of normlab's trainer (`train`, lib/train/trainer.ts) for
 * each architecture × norm kind of the zoo, next to tfjs' `model.fit` on the same model and next to
 * PyTorch on the same architecture (bench/pytorch-trainer.py in the reference venv, see bench/reference-python.ts), with the ratios.
 *
 * Usage: `node --import tsx bench/trainer.ts [options]`
 *   --batch B          mini-batch size (default 128)
 *   --steps N          timed steps per repeat (default 8), after --warmup W steps (default 2)
 *   --repeats R        interleaved repeats, ours/fit alternating (default 2); medians of per-step times
 *   --archs a,b        architectures (default mlp,vgg,resnet)
 *   --norms a,b        norm kinds (default none,batch,layer,instance,group)
 *   --no-fit           skip model.fit;  --no-torch: skip PyTorch
 *   --torch-threads T  PyTorch threads (default 1: on a shared machine OpenMP's spin-waiting makes
 *                      multi-threaded PyTorch wall times meaningless; its CPU time per step, printed
 *                      too, is the robust comparison. Pass 2 on a quiet machine)
 *   --profile          also print where one of our steps spends its time (batch copy, forward,
 *                      backward, update, read-back) and the top TensorFlow kernels
 *
 * samples/s = batch / median step time: medians of interleaved repeats keep ratios honest on a
 * shared machine. TensorFlow's thread pools follow TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS
 * when set (default: one thread per core).
 *
 * What profiling found on the 2-CPU development machine (Nov 2026, `--profile`, CPU ms per step):
 * - tfjs differentiates ReLU through tfjs-node's `Step` kernel (six full-size ops); `Step` + `Fill`
 *   were up to half the kernel time of a VGG step. The zoo's `FastReLU` layer (lib/layers/relu.ts)
 *   uses `dy · sign(y)`: the VGG/batch-norm profile's kernel time fell from 166 to 65 ms.
 * - The data pipeline (batch copy into reused typed arrays) is < 0.1 ms per step; the per-step
 *   read-back is batched (and tfjs-node runs ops synchronously, so step wall times are exact).
 * - Threads: `TF_NUM_INTRAOP_THREADS=1` keeps the CPU time per step but triples the wall time;
 *   oneDNN (on by default, lib/backend.ts) cuts the VGG's CPU per step by about a third, no change
 *   for the MLP. The defaults are kept.
 * - What remains is TensorFlow kernels: convolution gradients and MaxPoolGrad in the CNNs, the
 *   normalization layers' element-wise ops (lib/norm), and matmuls plus per-op dispatch in the MLP.
 */
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { BatchBuffer } from '../lib/data/batches';
import type { ImageSplit } from '../lib/data/types';
import { buildModel } from '../lib/models/build';
import { ARCHITECTURES, type Architecture } from '../lib/models/types';
import { NORM_KINDS, type NormKind } from '../lib/norm/kinds';
import { sampleMedian as median } from '../lib/stats/basics';
import { disposeOptimizer, makeOptimizer } from '../lib/train/optimizer';
import { train, trainStep } from '../lib/train/trainer';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { cpuSecondsSince } from './machine';
import { randomSplit } from './random-split';
import { runReferenceScript } from './reference-python';
import { compileForFit, sgdTrainConfig } from './sgd-setting';

interface Options {
  batch: number;
  steps: number;
  warmup: number;
  repeats: number;
  archs: Architecture[];
  norms: NormKind[];
  fit: boolean;
  torch: boolean;
  torchThreads: number;
  profile: boolean;
}

/** The command line (see the header); a bad value is an error naming the option and what it takes. */
function parseOptions(): Options {
  return new Command()
    .name('trainer')
    .option('--batch <b>', 'mini-batch size', wholeNumber(1), 128)
    .option('--steps <n>', 'timed steps per repeat', wholeNumber(1), 8)
    .option('--warmup <w>', 'warm-up steps before the timed ones', wholeNumber(1), 2)
    .option('--repeats <r>', 'interleaved repeats, ours/fit alternating', wholeNumber(1), 2)
    .option('--archs <a,b>', 'architectures', someOf(ARCHITECTURES), [...ARCHITECTURES])
    .option('--norms <a,b>', 'norm kinds', someOf(NORM_KINDS), [...NORM_KINDS])
    .option('--no-fit', 'skip model.fit')
    .option('--no-torch', 'skip PyTorch')
    .option('--torch-threads <t>', 'PyTorch threads', wholeNumber(1), 1)
    .option('--profile', 'also print where one of our steps spends its time', false)
    .showHelpAfterError()
    .parse()
    .opts<Options>();
}

/** Wall ms of each timed step and CPU ms (all threads of this process) per timed step. */
interface Timing {
  ms: number[];
  cpuMs: number[];
}

/** Our trainer: `train()` for the warm-up steps, then `train()` again for the timed steps. */
async function timeOurs(model: tf.LayersModel, split: ImageSplit, o: Options, t: Timing): Promise<void> {
  const config = sgdTrainConfig(o.batch);
  await train(model, { train: split }, { ...config, maxSteps: o.warmup });
  const cpu = process.cpuUsage();
  const result = await train(model, { train: split }, { ...config, maxSteps: o.steps });
  t.cpuMs.push((1000 * cpuSecondsSince(cpu)) / result.steps);
  t.ms.push(...result.stepRecords.map((r) => r.ms));
}

/** tfjs' model.fit on the same model (same loss and optimizer, plus an accuracy metric like ours). */
async function timeFit(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  o: Options,
  t: Timing,
): Promise<void> {
  const optimizer = compileForFit(model);
  const times: number[] = [];
  let t0 = 0;
  const fitArgs = {
    batchSize: o.batch,
    epochs: 1,
    shuffle: true,
    verbose: 0 as const,
    yieldEvery: 'never' as const,
    callbacks: {
      onBatchBegin: async () => {
        t0 = performance.now();
      },
      onBatchEnd: async () => {
        times.push(performance.now() - t0);
      },
    },
  };
  const n = o.batch * o.warmup;
  const [xw, yw] = [xs.slice(0, n), ys.slice(0, n)];
  await model.fit(xw, yw, fitArgs);
  tf.dispose([xw, yw]);
  times.length = 0;
  const [xt, yt] = [xs.slice(n), ys.slice(n)];
  const cpu = process.cpuUsage();
  await model.fit(xt, yt, fitArgs);
  t.cpuMs.push((1000 * cpuSecondsSince(cpu)) / times.length);
  tf.dispose([xt, yt]);
  disposeOptimizer(optimizer);
  t.ms.push(...times);
}

/** Where one of our steps spends its time, by removing parts of the step. */
function profileStep(model: tf.LayersModel, split: ImageSplit, o: Options): void {
  const buffer = new BatchBuffer(split, o.batch);
  const optimizer = makeOptimizer({ optimizer: 'sgd', learningRate: 0.01, batchSize: o.batch, epochs: 1 });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const time = (f: () => void): number => {
    const ms: number[] = [];
    for (let i = 0; i < o.warmup + o.steps; i++) {
      const t0 = performance.now();
      f();
      if (i >= o.warmup) ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const fill = time(() => buffer.fill(split, null, 0));
  const forward = time(() =>
    tf.tidy(() => {
      const xs = tf.tensor4d(buffer.imageView(), buffer.imageShape());
      (model.apply(xs, { training: true }) as tf.Tensor).dataSync();
    }),
  );
  const ys = tf.tensor2d(buffer.oneHotView(), [o.batch, 10]);
  const backward = time(() =>
    tf.tidy(() => {
      const xs = tf.tensor4d(buffer.imageView(), buffer.imageShape());
      const { grads } = tf.variableGrads(
        () =>
          tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
        vars,
      );
      tf.stack(Object.values(grads).map((g) => tf.sum(g))).dataSync();
    }),
  );
  const full = time(() => {
    buffer.fill(split, null, 0);
    const out = trainStep(model, optimizer, vars, buffer, 10);
    out.dataSync();
    out.dispose();
  });
  const pct = (x: number) => `${x.toFixed(1)} ms (${((100 * x) / full).toFixed(0)}%)`;
  console.log(
    `  profile: step ${full.toFixed(1)} ms = batch copy ${pct(fill)} + forward ${pct(forward)} + ` +
      `backward ${pct(Math.max(0, backward - forward))} + update/loss/accuracy ${pct(Math.max(0, full - backward - fill))}`,
  );
  const profiled = tf.profile(() => {
    const out = trainStep(model, optimizer, vars, buffer, 10);
    out.dataSync();
    out.dispose();
  });
  void profiled.then((info) => {
    const byKernel = new Map<string, number>();
    for (const k of info.kernels) {
      // Named scopes (`…__op`, custom gradients) contain kernels that are listed too.
      if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
    }
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    const top = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(
      `  kernels (${info.kernels.length} ops, ${total.toFixed(1)} ms): ` +
        top.map(([n, ms]) => `${n} ${((100 * ms) / total).toFixed(0)}%`).join(', '),
    );
  });
  ys.dispose();
  disposeOptimizer(optimizer);
}

interface TorchRow {
  arch: string;
  norm: string;
  samples_per_second: number;
  median_step_ms: number;
  cpu_ms_per_step: number;
}

function runTorch(cases: string[], o: Options): { rows: Map<string, TorchRow>; note: string } {
  if (!o.torch) return { rows: new Map(), note: 'PyTorch column skipped (--no-torch)' };
  const torchSeconds = Math.max(2, (o.steps * o.repeats) / 4);
  const args = [
    ...['--batch', String(o.batch), '--steps', String(o.steps * o.repeats), '--warmup', String(o.warmup)],
    ...[
      '--threads',
      String(o.torchThreads),
      '--max-seconds',
      String(torchSeconds),
      '--cases',
      cases.join(','),
    ],
  ];
  let lines: Record<string, unknown>[];
  try {
    lines = runReferenceScript('pytorch-trainer.py', args, o.torchThreads);
  } catch (error) {
    return { rows: new Map(), note: `PyTorch column skipped: ${(error as Error).message}` };
  }
  const rows = new Map<string, TorchRow>();
  for (const r of lines.slice(1) as unknown as TorchRow[]) rows.set(`${r.arch}:${r.norm}`, r);
  return { rows, note: `PyTorch ${lines[0].torch}, ${lines[0].threads} thread(s), channels_last for CNNs` };
}

const fmt = (x: number | undefined, digits = 0): string =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);

async function main(): Promise<void> {
  const o = parseOptions();
  console.log(describeBackend(await initBackend()));
  const intra = process.env.TF_NUM_INTRAOP_THREADS ?? `default (${cpus().length})`;
  const inter = process.env.TF_NUM_INTEROP_THREADS ?? 'default';
  console.log(
    `batch ${o.batch}; ${o.steps} timed steps × ${o.repeats} interleaved repeats after ${o.warmup} warm-up steps; ` +
      `TF intra-op threads ${intra}, inter-op ${inter}; ${cpus().length} CPUs; load average ${loadavg()[0].toFixed(1)}\n`,
  );
  const split = randomSplit(o.batch * (o.steps + o.warmup));
  const xs = tf.tensor4d(split.images, [split.count, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(split.labels, 'int32'), 10);
  const cases: { arch: Architecture; norm: NormKind; ours: Timing; fit: Timing }[] = [];
  for (const arch of o.archs) {
    for (const norm of o.norms) {
      if (arch === 'mlp' && norm === 'instance') continue;
      const entry = {
        arch,
        norm,
        ours: { ms: [], cpuMs: [] } as Timing,
        fit: { ms: [], cpuMs: [] } as Timing,
      };
      for (let r = 0; r < o.repeats; r++) {
        const model = buildModel({ arch, norm, seed: 1 });
        await timeOurs(model, split, o, entry.ours);
        if (o.fit) await timeFit(model, xs, ys, o, entry.fit);
        if (o.profile && r === 0) {
          console.log(`${arch}/${norm}`);
          profileStep(model, split, o);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        model.dispose();
      }
      cases.push(entry);
      process.stderr.write(`  measured ${arch}/${norm}\n`);
    }
  }
  xs.dispose();
  ys.dispose();
  const torch = runTorch(
    cases.map((c) => `${c.arch}:${c.norm}`),
    o,
  );
  console.log(`\n${torch.note}\n`);
  const header = ['arch', 'norm', 'ours sps', 'fit sps', 'torch sps', 'ours/fit', 'ours/torch', 'vs none'];
  header.push('cpu ours', 'cpu fit', 'cpu torch', 'cpu t/ours');
  console.log(header.map((h, i) => (i < 2 ? h.padEnd(9) : h.padStart(11))).join(''));
  const noneMs = new Map<string, number>();
  for (const c of cases) {
    const oursMs = median(c.ours.ms);
    if (c.norm === 'none') noneMs.set(c.arch, oursMs);
    const ours = (1000 * o.batch) / oursMs;
    const fit = c.fit.ms.length ? (1000 * o.batch) / median(c.fit.ms) : undefined;
    const torchRow = torch.rows.get(`${c.arch}:${c.norm}`);
    const t = torchRow?.samples_per_second;
    const base = noneMs.get(c.arch);
    const cpuOurs = median(c.ours.cpuMs);
    const cpuFit = c.fit.cpuMs.length ? median(c.fit.cpuMs) : undefined;
    const cpuTorch = torchRow?.cpu_ms_per_step;
    const cells = [
      fmt(ours),
      fmt(fit),
      fmt(t),
      fmt(fit ? ours / fit : undefined, 2),
      fmt(t ? ours / t : undefined, 2),
      fmt(base ? oursMs / base : undefined, 2),
      fmt(cpuOurs, 1),
      fmt(cpuFit, 1),
      fmt(cpuTorch, 1),
      fmt(cpuTorch ? cpuTorch / cpuOurs : undefined, 2),
    ];
    console.log(c.arch.padEnd(9) + c.norm.padEnd(9) + cells.map((x) => x.padStart(11)).join(''));
  }
  console.log(
    `\nload average at the end ${loadavg()[0].toFixed(1)} (other processes compete for the ${cpus().length} CPUs).\n` +
      'sps = samples/s from the median step wall time; ours/fit, ours/torch > 1: our trainer is faster; ' +
      '"vs none" = our step time / the same arch without normalization.\n' +
      'cpu = CPU ms per step over all threads of the process (less sensitive to other load than wall time); ' +
      'cpu t/ours > 1: PyTorch spends more CPU per step than our trainer.',
  );
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
