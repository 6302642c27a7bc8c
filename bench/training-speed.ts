/**
 * Training speed of normlab against PyTorch at its best (and tfjs' `model.fit`).
 *
 * Models (bench/twin-models.ts, twins in bench/pytorch-training-speed.py): MLP 784-256-256-10 and
 * CNN conv 32 → conv 64 (3×3, same, ReLU, 2×2 max-pool) → dense 128 → dense 10; the MLP and CNN
 * with batch norm after every hidden layer; the CNN with group (8 groups), layer or instance norm
 * after each convolution. Random 28×28×1 input, batch 64, SGD lr 0.01 momentum 0.9, softmax
 * cross-entropy.
 *
 * Contenders (`--contenders`):
 * - `fastest`: the library's exported fast layers (`FastConv2D`, `FastDense`,
 *   `FastMaxPooling2D`, `FastReLU`), the
 *   normalization with its ReLU fused where the layer takes one, `train()`, native kernels on;
 * - `plain`: tfjs' own conv, dense, pooling and ReLU layers with normlab's normalization (the
 *   README's example), `train()`, native kernels on;
 * - `portable`: `fastest` with `setNativeKernels(false)`;
 * - `fit`: tfjs-layers only (its own batch norm), trained by `model.fit` (no group, layer or
 *   instance norm: those models are skipped);
 * - `torch`: PyTorch 2.13 eager in the reference venv (`.venv-ref` in the project root or
 *   `NORMLAB_REF_VENV`; `bash scripts/fixtures/setup-ref-venv.sh` creates it), at its best: every
 *   round times it in every setting of `--torch-wait` (OpenMP's default spin-waiting and passive
 *   waiting), `--torch-threads` and `--torch-layouts` (channels_last or PyTorch's default
 *   contiguous NCHW, for the CNNs), and the comparison takes, per model, the setting with the
 *   highest median. Which setting wins depends on the CPU and on how busy it is (see
 *   bench/reference-python.ts), so the bench does not pick one in advance.
 *
 * Protocol: in each round, each contender (each PyTorch setting in a process of its own) sets up
 * all the models, runs 1 warm-up pass of each, then `--passes` timed passes of `--samples` samples
 * of each, the passes interleaved across the models (pass p runs every model, the order reversed on
 * odd p), so a contender's models are timed in the same minutes and the same process state; a
 * round's samples/s is its median pass. Rounds are interleaved (round r times every contender on
 * every model before round r + 1 starts; odd rounds take the models and the contenders in reverse
 * order), so load changes on a shared machine hit every contender alike. The tables give the median
 * over rounds.
 *
 * Printed: the machine (CPU model, cores, vector ISA, what normlab's compiled kernels dispatched
 * to, load), PyTorch's median in every setting, both wait policies' best and the chosen best, the
 * contenders' samples/s and ratios, each normalization's overhead over the CNN or MLP without one,
 * and the floors normlab's fastest path should meet, naming the CPU they were measured on.
 *
 * Usage: `node --import tsx bench/training-speed.ts [--rounds 3] [--passes 3] [--samples 4096]
 * [--batch 64] [--models mlp,mlp-bn,cnn,cnn-bn,cnn-gn,cnn-ln,cnn-in]
 * [--contenders plain,fastest,torch] [--torch-wait active,passive] [--torch-threads 2,1]
 * [--torch-layouts channels_last,contiguous]`
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import type { ImageSplit } from '../lib/data/types';
import { setNativeKernels } from '../lib/native/tensorflow-ops';
import { sampleMedian as median } from '../lib/stats/basics';
import { disposeOptimizer } from '../lib/train/optimizer';
import { train } from '../lib/train/trainer';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { cpuSecondsSince, describeMachine, formatLoad, loadFooter, machineInfo, runBench } from './machine';
import { randomSplit } from './random-split';
import { type Layout, type ReferenceOptions, withReferenceOptions } from './reference-options';
import {
  ReferenceTimeLimit,
  ReferenceTimeout,
  runReferenceScript,
  settingOrder,
  type WaitPolicy,
} from './reference-python';
import { compileForFit, sgdTrainConfig } from './sgd-setting';
import { buildTwin, hasBuiltin, TWIN_MODELS, type TwinFlavour, type TwinModel } from './twin-models';

const CONTENDERS = ['fit', 'plain', 'fastest', 'portable', 'torch'] as const;
type Contender = (typeof CONTENDERS)[number];

/** One setting of the reference: a process with this wait policy and thread count, one layout. */
interface TorchSetting {
  wait: WaitPolicy;
  threads: number;
  layout: Layout;
}

const settingName = (s: TorchSetting): string => `${s.wait}/${s.threads}t/${s.layout}`;

interface Options extends ReferenceOptions {
  rounds: number;
  passes: number;
  samples: number;
  batch: number;
  models: TwinModel[];
  contenders: Contender[];
}

function options(): Options {
  const o = withReferenceOptions(
    new Command()
      .name('training-speed')
      .option('--rounds <n>', 'interleaved rounds', wholeNumber(1), 3)
      .option('--passes <n>', 'timed passes per model and round', wholeNumber(1), 3)
      .option('--samples <n>', 'samples per pass (a multiple of --batch)', wholeNumber(1), 4096)
      .option('--batch <n>', 'mini-batch size', wholeNumber(1), 64)
      .option('--models <list>', `some of ${TWIN_MODELS.join(', ')}`, someOf(TWIN_MODELS), [...TWIN_MODELS])
      .option('--contenders <list>', `some of ${CONTENDERS.join(', ')}`, someOf(CONTENDERS), [
        'plain',
        'fastest',
        'torch',
      ] as Contender[]),
    'CNN',
  )
    .showHelpAfterError()
    .parse()
    .opts<Options>();
  if (o.samples % o.batch !== 0)
    throw new Error(`--samples (${o.samples}) must be a multiple of --batch (${o.batch})`);
  return o;
}

/** Samples/s of each timed pass, by the wall clock and by this process' CPU time (all threads). */
interface Rates {
  wall: number[];
  cpu: number[];
}

/** One pass over the samples: its wall and CPU seconds (the CPU time of this process, all threads). */
interface PassTime {
  wallSeconds: number;
  cpuSeconds: number;
}

/** What a contender does on one model: set it up, run a pass, clean up. */
interface Trainee {
  pass(): Promise<PassTime>;
  dispose(): void;
}

/**
 * Every model of `order` set up at once, one warm-up pass each, then the timed passes interleaved
 * across the models (pass p runs every model, in `order` for even p and reversed for odd p), so
 * that the models of one contender are timed in the same minutes and the same process state: a
 * ratio between two of them (a normalization's overhead) does not depend on which ran first.
 */
async function interleavedPasses(
  order: TwinModel[],
  o: Options,
  start: (m: TwinModel) => Trainee,
): Promise<Map<TwinModel, Rates>> {
  const trainees = new Map<TwinModel, Trainee>();
  const rates = new Map(order.map((m) => [m, { wall: [], cpu: [] } as Rates] as const));
  try {
    for (const m of order) trainees.set(m, start(m));
    for (const m of order) await trainees.get(m)?.pass();
    for (let p = 0; p < o.passes; p++) {
      for (const m of p % 2 === 0 ? order : [...order].reverse()) {
        const t = await (trainees.get(m) as Trainee).pass();
        const r = rates.get(m) as Rates;
        r.wall.push(o.samples / t.wallSeconds);
        r.cpu.push(o.samples / t.cpuSeconds);
      }
    }
  } finally {
    for (const t of trainees.values()) t.dispose();
  }
  return rates;
}

/** normlab's `train()` (one epoch over the split per pass) on `flavour`'s models, native on or off. */
async function timeNormlab(
  order: TwinModel[],
  split: ImageSplit,
  o: Options,
  flavour: TwinFlavour,
  native: boolean,
): Promise<Map<TwinModel, Rates>> {
  setNativeKernels(native);
  const config = { ...sgdTrainConfig(o.batch), recordSteps: false };
  try {
    return await interleavedPasses(order, o, (name) => {
      const model = buildTwin(name, flavour);
      return {
        pass: async () => {
          const cpu0 = process.cpuUsage();
          const result = await train(model, { train: split }, config);
          return { wallSeconds: o.samples / result.samplesPerSecond, cpuSeconds: cpuSecondsSince(cpu0) };
        },
        dispose: () => model.dispose(),
      };
    });
  } finally {
    setNativeKernels(true);
  }
}

/** tfjs' `model.fit` with tfjs-layers' own layers (the models tfjs can build). */
async function timeFit(
  order: TwinModel[],
  xs: tf.Tensor,
  ys: tf.Tensor,
  o: Options,
): Promise<Map<TwinModel, Rates>> {
  return interleavedPasses(order.filter(hasBuiltin), o, (name) => {
    const model = buildTwin(name, 'builtin');
    const optimizer = compileForFit(model);
    return {
      pass: async () => {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const history = await model.fit(xs, ys, {
          batchSize: o.batch,
          epochs: 1,
          shuffle: true,
          verbose: 0,
          yieldEvery: 'never',
        });
        const wallSeconds = (performance.now() - t0) / 1000;
        const cpuSeconds = cpuSecondsSince(cpu0);
        tf.dispose(history as unknown as tf.Tensor[]);
        return { wallSeconds, cpuSeconds };
      },
      dispose: () => {
        disposeOptimizer(optimizer);
        model.dispose();
      },
    };
  });
}

/** One PyTorch process: every model of `order` in every layout, with one wait policy and thread count. */
function timeTorch(
  o: Options,
  order: TwinModel[],
  wait: WaitPolicy,
  threads: number,
  limit: ReferenceTimeLimit,
): { version: string; rates: Map<string, Rates> } {
  const t0 = performance.now();
  const lines = runReferenceScript(
    'pytorch-training-speed.py',
    [
      ...['--models', order.join(','), '--layouts', o.torchLayouts.join(','), '--batch', String(o.batch)],
      ...['--samples', String(o.samples), '--passes', String(o.passes), '--threads', String(threads)],
    ],
    threads,
    { waitPolicy: wait, timeoutSeconds: limit.seconds() },
  );
  limit.finished((performance.now() - t0) / 1000);
  const rates = new Map<string, Rates>();
  for (const line of lines.slice(1)) {
    const setting = settingName({ wait, threads, layout: line.layout as Layout });
    rates.set(`${setting}:${line.model}`, {
      wall: line.pass_samples_per_second as number[],
      cpu: line.pass_samples_per_cpu_second as number[],
    });
  }
  return { version: `PyTorch ${lines[0].torch}`, rates };
}

const fmt = (x: number | undefined, digits = 0): string =>
  x === undefined || !Number.isFinite(x)
    ? '-'
    : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined ? a / b : undefined;

type Clock = 'wall' | 'cpu';

/** Each round's median pass, by clock and `series:model` (series: a contender or a PyTorch setting). */
class Rounds {
  private readonly byKey = new Map<string, number[]>();

  add(series: string, model: string, rates: Rates): void {
    for (const clock of ['wall', 'cpu'] as const) {
      const key = `${clock}:${series}:${model}`;
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), median(rates[clock])]);
    }
  }

  /** The median over rounds, or undefined when the series never ran on the model. */
  at(clock: Clock, series: string, model: string): number | undefined {
    const rounds = this.byKey.get(`${clock}:${series}:${model}`) ?? [];
    return rounds.length ? median(rounds) : undefined;
  }
}

/** PyTorch's best setting for `model` by `clock` (restricted to `wait` when given). */
function torchBest(
  rounds: Rounds,
  o: Options,
  clock: Clock,
  model: TwinModel,
  wait?: WaitPolicy,
): { setting: string; rate: number } | undefined {
  let best: { setting: string; rate: number } | undefined;
  for (const w of o.torchWait) {
    if (wait && w !== wait) continue;
    for (const threads of o.torchThreads) {
      for (const layout of model.startsWith('cnn') ? o.torchLayouts : (['contiguous'] as const)) {
        const setting = settingName({ wait: w, threads, layout });
        const rate = rounds.at(clock, `torch:${setting}`, model);
        if (rate !== undefined && (!best || rate > best.rate)) best = { setting, rate };
      }
    }
  }
  return best;
}

/** Every PyTorch setting's median, both wait policies' best and the chosen best, per model. */
function reportReference(rounds: Rounds, o: Options, clock: Clock): void {
  console.log(`\nPyTorch in every setting (wait policy/threads/layout), samples/s, ${clock} clock`);
  const settings: string[] = [];
  for (const wait of o.torchWait)
    for (const threads of o.torchThreads)
      for (const layout of o.torchLayouts) settings.push(settingName({ wait, threads, layout }));
  const width = Math.max(...settings.map((s) => s.length)) + 2;
  console.log(`${'model'.padEnd(8)}${settings.map((s) => s.padStart(width)).join('')}   best setting`);
  for (const m of o.models) {
    // The MLP has one layout, contiguous: its channels_last columns stay empty.
    const cells = settings.map((s) => fmt(rounds.at(clock, `torch:${s}`, m)));
    const best = torchBest(rounds, o, clock, m);
    console.log(`${m.padEnd(8)}${cells.map((c) => c.padStart(width)).join('')}   ${best?.setting ?? '-'}`);
  }
  if (o.torchWait.length > 1) {
    console.log('both wait policies, each at its best thread count and layout (samples/s):');
    for (const m of o.models) {
      const cells = o.torchWait.map((w) => `${w} ${fmt(torchBest(rounds, o, clock, m, w)?.rate)}`);
      console.log(`  ${m.padEnd(8)}${cells.join(', ')}`);
    }
  }
}

/** The contenders' table, the normalizations' overhead and, by the wall clock, the floors. */
function reportContenders(rounds: Rounds, o: Options, clock: Clock, cpuModel: string): void {
  const normlab = o.contenders.filter((c) => c !== 'torch');
  const torch = (m: TwinModel) => torchBest(rounds, o, clock, m)?.rate;
  const at = (c: Contender, m: TwinModel) => (c === 'torch' ? torch(m) : rounds.at(clock, c, m));
  console.log(
    clock === 'wall'
      ? '\nsamples/s by the wall clock (the protocol), median of rounds; torch = PyTorch at its best'
      : "\nsamples per CPU-second (each process' CPU time over all its threads), median of rounds; " +
          'torch = its best setting by this clock',
  );
  const hasTorch = o.contenders.includes('torch');
  const ratios = hasTorch ? normlab.filter((c) => c !== 'fit').map((c) => `${c}/torch`) : [];
  const header = ['model', ...o.contenders, ...ratios];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(8) : h.padStart(15))).join(''));
  for (const m of o.models) {
    const cells = [
      ...o.contenders.map((c) => fmt(at(c, m))),
      ...(hasTorch ? normlab.filter((c) => c !== 'fit').map((c) => fmt(ratio(at(c, m), torch(m)), 2)) : []),
    ];
    console.log(m.padEnd(8) + cells.map((c) => c.padStart(15)).join(''));
  }
  console.log('normalization overhead (samples/s without a norm / with it)');
  for (const m of o.models) {
    const base = m.startsWith('mlp') ? 'mlp' : 'cnn';
    if (m === base || !o.models.includes(base)) continue;
    const cells = o.contenders.map((c) => `${c} ${fmt(ratio(at(c, base), at(c, m)), 2)}×`);
    console.log(`  ${m.padEnd(8)}${cells.join(', ')}`);
  }
  if (clock !== 'wall' || !hasTorch || !o.contenders.includes('fastest')) return;
  console.log(`floors: normlab's fastest path / PyTorch at its best, by the wall clock, on ${cpuModel}`);
  const floors: [TwinModel, number][] = [
    ['cnn', 1],
    ['cnn-bn', 1],
    ['cnn-gn', 1],
    ['cnn-ln', 1],
    ['cnn-in', 1],
    ['mlp-bn', 0.6],
  ];
  for (const [m, bound] of floors) {
    if (!o.models.includes(m)) continue;
    const value = ratio(at('fastest', m), torch(m));
    const met = value !== undefined && value >= bound;
    console.log(`  ${m.padEnd(8)}${fmt(value, 2)} (≥ ${fmt(bound, 1)}: ${met ? 'met' : 'NOT met'})`);
  }
}

async function main(): Promise<void> {
  const o = options();
  console.log(describeBackend(await initBackend()));
  const machine = await machineInfo();
  console.log(await describeMachine());
  console.log(
    `batch ${o.batch}; 1 warm-up + ${o.passes} passes of ${o.samples} samples; median over ${o.rounds} ` +
      `interleaved rounds; contenders ${o.contenders.join(', ')}`,
  );
  const split = randomSplit(o.samples);
  const xs = tf.tensor4d(split.images, [split.count, 28, 28, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(split.labels, 'int32'), 10));
  const rounds = new Rounds();
  const limit = new ReferenceTimeLimit(o.torchTimeout);
  // PyTorch settings whose process hit its time limit, and in which rounds.
  const timedOut = new Map<string, number[]>();
  let round = 0;
  // Each measurement as it comes, on stderr: a run cut short still leaves its data.
  const progress = (label: string, rates: Rates): void => {
    process.stderr.write(`  round ${round + 1}: ${label} ${fmt(median(rates.wall))} samples/s\n`);
  };
  let torchVersion = 'PyTorch not run';
  let torchFailed = false;
  try {
    for (let r = 0; r < o.rounds; r++) {
      round = r;
      // Odd rounds run the models and the contenders in reverse order, so that no model and no
      // contender always runs first (a process' first model can run on a colder machine).
      const order = r % 2 === 0 ? o.models : [...o.models].reverse();
      const contenders = r % 2 === 0 ? o.contenders : [...o.contenders].reverse();
      for (const c of contenders) {
        const add = (series: string, rates: Map<TwinModel, Rates>): void => {
          for (const [m, rate] of rates) {
            rounds.add(series, m, rate);
            progress(`${series} ${m}`, rate);
          }
        };
        if (c === 'fit') add(c, await timeFit(order, xs, ys, o));
        if (c === 'plain') add(c, await timeNormlab(order, split, o, 'plain', true));
        if (c === 'fastest') add(c, await timeNormlab(order, split, o, 'fastest', true));
        if (c === 'portable') add(c, await timeNormlab(order, split, o, 'fastest', false));
        if (c === 'torch' && !torchFailed) {
          for (const { wait, threads } of settingOrder(o.torchWait, o.torchThreads, r)) {
            try {
              const torch = timeTorch(o, order, wait, threads, limit);
              torchVersion = torch.version;
              for (const [key, rates] of torch.rates) {
                const at = key.lastIndexOf(':');
                rounds.add(`torch:${key.slice(0, at)}`, key.slice(at + 1), rates);
                progress(`torch ${key}`, rates);
              }
            } catch (error) {
              if (error instanceof ReferenceTimeout) {
                const key = `${wait}/${threads}t`;
                timedOut.set(key, [...(timedOut.get(key) ?? []), r + 1]);
                process.stderr.write(`  round ${r + 1}: torch ${key} ${error.message}\n`);
                continue;
              }
              torchVersion = `PyTorch skipped: ${(error as Error).message}`;
              torchFailed = true;
              break;
            }
          }
        }
        process.stderr.write(`  round ${r + 1}: ${c} done (load ${formatLoad()})\n`);
      }
    }
  } finally {
    xs.dispose();
    ys.dispose();
  }
  if (torchFailed) o.contenders = o.contenders.filter((c) => c !== 'torch');
  console.log(`\n${torchVersion}`);
  for (const [key, rs] of timedOut)
    console.log(`PyTorch ${key} hit its time limit in round(s) ${rs.join(', ')}: not among its best there`);
  for (const clock of ['wall', 'cpu'] as const) {
    if (o.contenders.includes('torch')) reportReference(rounds, o, clock);
    reportContenders(rounds, o, clock, machine.cpuModel);
  }
  console.log(`\n${loadFooter(machine)}`);
}

runBench(main);
