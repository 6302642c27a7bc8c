/**
 * Training speed against tfjs' `model.fit` and PyTorch (issue 10's protocol).
 *
 * Models (bench/twin-models.ts, twins in bench/pytorch-training-speed.py): MLP 784-256-256-10 and
 * CNN conv 32 → conv 64 (3×3, same, ReLU, 2×2 max-pool) → dense 128 → dense 10, each without and
 * with batch norm after every hidden layer. Random 28×28×1 input, batch 64, SGD lr 0.01 momentum
 * 0.9, softmax cross-entropy. In each round, each contender sets up all the models, runs 1 warm-up
 * pass of each, then 3 timed passes of 4,096 samples of each with the passes interleaved across the
 * models (pass p runs every model, the order reversed on odd p), so a contender's models are timed
 * in the same minutes and the same process state; a round's samples/s is the median pass. The
 * table gives the median over 3 rounds, run interleaved (round r times every contender on every
 * model before round r + 1 starts; rounds 2, 4, … take the models in reverse order), so load
 * changes on the shared machine hit all contenders alike.
 *
 * Contenders:
 * - `fit`: tfjs-layers' own `batchNormalization` and `reLU`, trained by `model.fit`;
 * - `normlab`: `normLayer('batch', { convention: 'pytorch' })`, the zoo's `ReLU` and
 *   `MaxPooling2D`, `train()`, with the native TensorFlow kernels (lib/native) on;
 * - `portable` (with `--portable`): the same with `setNativeKernels(false)` (the pre-native code);
 * - `torch`: PyTorch 2.13 eager, 2 threads, channels_last CNN, in the reference venv (`.venv-ref` in
 *   the project root or `NORMLAB_REF_VENV`; create it with `bash scripts/fixtures/setup-ref-venv.sh`).
 *
 * Usage: `node --import tsx bench/training-speed.ts [--rounds 3] [--passes 3] [--samples 4096]
 * [--models mlp,mlp-bn,cnn,cnn-bn] [--torch-threads 2] [--portable] [--no-fit] [--no-torch]`
 *
 * Batch-norm overhead = samples/s without BN / with BN (the step-time ratio), per contender, and
 * the time batch norm adds per 1,000 samples (which, unlike the ratio, does not grow when the model
 * without BN gets faster).
 * The floors of issue 10 are printed at the end: normlab/torch ≥ 1.0 on the CNN and CNN + BN,
 * ≥ 0.35 on MLP + BN, and normlab's CNN BN overhead ≤ PyTorch's; the last also round by round
 * (normlab's overhead minus PyTorch's in each round, where both ran side by side), which shows
 * whether a difference between the medians is larger than the spread between rounds.
 *
 * Profile of the MLP step (bench/mlp-dispatch.ts, Nov 2026, 2 shared vCPUs at load average ~24):
 * per CPU-second, the same networks with hidden width 4 instead of 256 (the same ops on tiny
 * tensors) cost 73% (portable MLP + BN) and 61% (portable MLP) of the full step, about 25 µs per
 * TensorFlow op: per-op dispatch (tfjs' engine ~10 µs, tfjs-node's binding and TensorFlow's eager
 * runtime the rest; a tiny `tf.add` measured 31 µs, the same op through the binding 22 µs) is most
 * of the step, the matmuls the rest. Fewer ops is what removes it: the native paths (lib/native)
 * run TensorFlow's fused batch norm (forward with the running-statistics update, and gradient: one
 * op each instead of about a dozen), its softmax cross-entropy (loss and gradient in one op),
 * ReluGrad and ResourceApplyMomentum (the update in place, one op per variable instead of four),
 * taking the MLP + BN step from 187 to 73 TensorFlow ops and the MLP from 101 to 63 (and, with the
 * zoo's `Dense` layer below, to 56 and 48). What remains is mostly the matrix products' reshapes to
 * 3-D and back, the accuracy (5 ops) and the per-op cost itself, which only graph execution of the
 * whole step would remove (tfjs-node has none).
 *
 * The CNN step (bench/op-profile.ts): TensorFlow's `MaxPoolGrad` was its largest kernel, about a
 * quarter of the step, because its CPU kernel searches every window again. The zoo's
 * `MaxPooling2D` (lib/models/max-pooling.ts) runs oneDNN's pooling instead, which records where
 * each maximum was: its gradient is a scatter, 3.3 → 0.2 ms on [64, 28, 28, 32], and the CNN step
 * went from 19.4 to 14.0 ms. Tried before that and dropped: TensorFlow's MaxPoolWithArgmax /
 * MaxPoolGradWithArgmax (its forward pass costs what the backward saves, and its int64 argmax makes
 * tfjs-node print a warning on every call). Next, tfjs-layers' conv2d and dense compute their
 * input's gradient even for the first layer, where the input is the data (their fused ops have one
 * custom gradient for every input): the zoo's `Conv2D` and `Dense` (lib/models) use tfjs' per-input
 * gradients instead, 14.0 → 12.1 ms. Tried and dropped: TensorFlow's `BiasAdd` / `BiasAddGrad` for
 * the biases (0.03–0.08 ms faster per layer than tfjs' broadcast add and sum, and the sum's order
 * changes the last bits).
 */
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../lib/backend';
import type { ImageSplit } from '../lib/data/types';
import { setNativeKernels } from '../lib/native/tensorflow-ops';
import { sampleMedian as median } from '../lib/study/stats';
import { disposeOptimizer } from '../lib/train/optimizer';
import { train } from '../lib/train/trainer';
import { randomSplit } from './random-split';
import { runReferenceScript } from './reference-python';
import { buildTwin, TWIN_MODELS, type TwinModel } from './twin-models';

interface Options {
  rounds: number;
  passes: number;
  samples: number;
  batch: number;
  models: TwinModel[];
  torchThreads: number;
  portable: boolean;
  fit: boolean;
  torch: boolean;
}

const CONTENDERS = ['fit', 'portable', 'normlab', 'torch'] as const;
type Contender = (typeof CONTENDERS)[number];

function parseArgs(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i < 0 ? undefined : argv[i + 1];
  };
  const int = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} takes a whole number ≥ 1, got '${raw}'`);
    return v;
  };
  const models = (value('models') ?? TWIN_MODELS.join(',')).split(',');
  for (const m of models) {
    if (!TWIN_MODELS.includes(m as TwinModel))
      throw new Error(`--models: unknown '${m}'; expected some of ${TWIN_MODELS.join(', ')}`);
  }
  const o: Options = {
    rounds: int('rounds', 3),
    passes: int('passes', 3),
    samples: int('samples', 4096),
    batch: int('batch', 64),
    models: models as TwinModel[],
    torchThreads: int('torch-threads', 2),
    portable: argv.includes('--portable'),
    fit: !argv.includes('--no-fit'),
    torch: !argv.includes('--no-torch'),
  };
  if (o.samples % o.batch !== 0) throw new Error(`--samples must be a multiple of --batch (${o.batch})`);
  return o;
}

/** Samples/s of each timed pass, by the wall clock and by this process' CPU time (all threads). */
interface Rates {
  wall: number[];
  cpu: number[];
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
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
 * ratio between two of them (batch norm's overhead) does not depend on which ran first.
 */
async function interleavedPasses(
  order: TwinModel[],
  o: Options,
  start: (m: TwinModel) => Trainee,
): Promise<Map<TwinModel, Rates>> {
  const trainees = new Map(order.map((m) => [m, start(m)] as const));
  const rates = new Map(order.map((m) => [m, { wall: [], cpu: [] } as Rates] as const));
  try {
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

/** normlab's `train()` (one epoch over the split per pass), native kernels on or off. */
async function timeNormlab(
  order: TwinModel[],
  split: ImageSplit,
  o: Options,
  native: boolean,
): Promise<Map<TwinModel, Rates>> {
  setNativeKernels(native);
  const config = {
    optimizer: 'sgd' as const,
    learningRate: 0.01,
    momentum: 0.9,
    batchSize: o.batch,
    epochs: 1,
    evalTrainAtEnd: false,
    recordSteps: false,
  };
  try {
    return await interleavedPasses(order, o, (name) => {
      const model = buildTwin(name, 'normlab');
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

/** tfjs' `model.fit` with tfjs' own batch norm and ReLU. */
async function timeFit(
  order: TwinModel[],
  xs: tf.Tensor,
  ys: tf.Tensor,
  o: Options,
): Promise<Map<TwinModel, Rates>> {
  return interleavedPasses(order, o, (name) => {
    const model = buildTwin(name, 'builtin');
    const optimizer = tf.train.momentum(0.01, 0.9);
    model.compile({
      optimizer,
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
      metrics: ['accuracy'],
    });
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

/** PyTorch's passes for every model of `order`, in that order, in one process. */
function timeTorch(o: Options, order: TwinModel[]): { version: string; rates: Map<TwinModel, Rates> } {
  const lines = runReferenceScript(
    'pytorch-training-speed.py',
    [
      ...['--models', order.join(','), '--batch', String(o.batch)],
      ...['--samples', String(o.samples), '--passes', String(o.passes), '--threads', String(o.torchThreads)],
    ],
    o.torchThreads,
  );
  const rates = new Map<TwinModel, Rates>();
  for (const line of lines.slice(1)) {
    rates.set(line.model as TwinModel, {
      wall: line.pass_samples_per_second as number[],
      cpu: line.pass_samples_per_cpu_second as number[],
    });
  }
  return { version: `PyTorch ${lines[0].torch}, ${lines[0].threads} thread(s)`, rates };
}

const fmt = (x: number | undefined, digits = 0): string =>
  x === undefined || !Number.isFinite(x)
    ? '-'
    : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined ? a / b : undefined;

type Clock = 'wall' | 'cpu';

/** The table, overheads and floors for one clock. */
function report(
  clock: Clock,
  o: Options,
  perRound: (clock: Clock, c: Contender, m: TwinModel) => number[],
): void {
  // A contender's samples/s on a model: the median of its rounds.
  const at = (c: Contender, m: TwinModel): number | undefined => {
    const rounds = perRound(clock, c, m);
    return rounds.length ? median(rounds) : undefined;
  };
  const shown = CONTENDERS.filter((c) => o.models.some((m) => at(c, m) !== undefined));
  console.log(
    clock === 'wall'
      ? '\nsamples/s by the wall clock (the protocol), median of rounds'
      : "\nsamples per CPU-second (each process' CPU time over all its threads; steadier than the wall " +
          'clock when other processes compete for the CPUs), median of rounds',
  );
  const header = ['model', ...shown, 'normlab/fit', 'normlab/torch'];
  if (o.portable) header.push('normlab/portable');
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(8) : h.padStart(17))).join(''));
  for (const m of o.models) {
    const ours = at('normlab', m);
    const cells = [
      ...shown.map((c) => fmt(at(c, m))),
      fmt(ratio(ours, at('fit', m)), 2),
      fmt(ratio(ours, at('torch', m)), 2),
    ];
    if (o.portable) cells.push(fmt(ratio(ours, at('portable', m)), 2));
    console.log(m.padEnd(8) + cells.map((c) => c.padStart(17)).join(''));
  }
  console.log('batch-norm overhead (samples/s without BN / with BN)');
  for (const arch of ['mlp', 'cnn'] as const) {
    if (!o.models.includes(arch) || !o.models.includes(`${arch}-bn`)) continue;
    const cells = shown.map((c) => `${c} ${fmt(ratio(at(c, arch), at(c, `${arch}-bn`)), 2)}×`);
    console.log(`  ${arch}: ${cells.join(', ')}`);
  }
  // The ratio above grows when the model without BN gets faster; the time BN adds does not.
  console.log('time batch norm adds, ms per 1,000 samples (1000/with BN − 1000/without)');
  for (const arch of ['mlp', 'cnn'] as const) {
    if (!o.models.includes(arch) || !o.models.includes(`${arch}-bn`)) continue;
    const added = (c: Contender): number | undefined => {
      const [plain, bn] = [at(c, arch), at(c, `${arch}-bn`)];
      return plain !== undefined && bn !== undefined ? 1e6 / bn - 1e6 / plain : undefined;
    };
    console.log(`  ${arch}: ${shown.map((c) => `${c} ${fmt(added(c), 1)}`).join(', ')}`);
  }
  if (!shown.includes('torch')) return;
  console.log(`floors of issue 10 (${clock})`);
  const floor = (
    label: string,
    value: number | undefined,
    bound: number | undefined,
    atMost = false,
  ): void => {
    const met = value !== undefined && bound !== undefined && (atMost ? value <= bound : value >= bound);
    console.log(
      `  ${label}: ${fmt(value, 2)} (${atMost ? '≤' : '≥'} ${fmt(bound, 2)}: ${met ? 'met' : 'NOT met'})`,
    );
  };
  const t = (m: TwinModel) => ratio(at('normlab', m), at('torch', m));
  if (o.models.includes('cnn-bn')) floor('CNN + BN normlab/torch', t('cnn-bn'), 1);
  if (o.models.includes('cnn')) floor('CNN normlab/torch', t('cnn'), 1);
  if (o.models.includes('mlp-bn')) floor('MLP + BN normlab/torch', t('mlp-bn'), 0.35);
  if (o.models.includes('cnn') && o.models.includes('cnn-bn')) {
    const overhead = (c: Contender) => ratio(at(c, 'cnn'), at(c, 'cnn-bn'));
    floor('CNN BN overhead, normlab (vs PyTorch)', overhead('normlab'), overhead('torch'), true);
    // The same comparison round by round: both sides ran in the same round, so the rounds pair up.
    const roundOverheads = (c: Contender): number[] => {
      const bn = perRound(clock, c, 'cnn-bn');
      return perRound(clock, c, 'cnn').map((plain, r) => plain / bn[r]);
    };
    const theirs = roundOverheads('torch');
    const ours = roundOverheads('normlab');
    const gaps = ours.map((x, r) => x - theirs[r]);
    if (gaps.length === theirs.length && gaps.length > 0) {
      const list = (xs: number[]): string => xs.map((x) => fmt(x, 2)).join(', ');
      console.log(`  CNN BN overhead by round (rounds 2, 4, … in reverse order): normlab ${list(ours)}`);
      console.log(`  ${' '.repeat(60)}PyTorch ${list(theirs)}`);
      console.log(
        `  CNN BN overhead by round, normlab − PyTorch: ${gaps.map((g) => fmt(g, 2)).join(', ')}; ` +
          `median ${fmt(median(gaps), 2)}; normlab's at most PyTorch's in ${gaps.filter((g) => g <= 0).length} ` +
          `of ${gaps.length} rounds`,
      );
    }
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  console.log(describeBackend(await initBackend()));
  const loadStart = loadavg();
  console.log(
    `batch ${o.batch}; 1 warm-up + ${o.passes} passes of ${o.samples} samples; median over ${o.rounds} ` +
      `interleaved rounds; ${cpus().length} CPUs; load average ${loadStart.map((l) => l.toFixed(1)).join(' ')}`,
  );
  const split = randomSplit(o.samples);
  const xs = tf.tensor4d(split.images, [split.count, 28, 28, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(split.labels, 'int32'), 10));
  // Per clock, contender and model: each round's median pass.
  const perRound = new Map<string, number[]>();
  const add = (c: Contender, m: TwinModel, rates: Rates): void => {
    for (const clock of ['wall', 'cpu'] as const) {
      const key = `${clock}:${c}:${m}`;
      perRound.set(key, [...(perRound.get(key) ?? []), median(rates[clock])]);
    }
  };
  let torchVersion = 'PyTorch skipped (--no-torch)';
  for (let r = 0; r < o.rounds; r++) {
    // Odd rounds run the models in reverse order, on both sides, so that no model always runs
    // first (a process' first model can run on a colder machine).
    const order = r % 2 === 0 ? o.models : [...o.models].reverse();
    const addAll = (c: Contender, rates: Map<TwinModel, Rates>): void => {
      for (const [m, rate] of rates) add(c, m, rate);
    };
    if (o.fit) addAll('fit', await timeFit(order, xs, ys, o));
    if (o.portable) addAll('portable', await timeNormlab(order, split, o, false));
    addAll('normlab', await timeNormlab(order, split, o, true));
    process.stderr.write(`  round ${r + 1}: tfjs done\n`);
    if (o.torch) {
      try {
        const torch = timeTorch(o, order);
        torchVersion = torch.version;
        for (const [m, rates] of torch.rates) add('torch', m, rates);
      } catch (error) {
        torchVersion = `PyTorch skipped: ${(error as Error).message}`;
        o.torch = false;
      }
      process.stderr.write(`  round ${r + 1}: PyTorch done\n`);
    }
  }
  xs.dispose();
  ys.dispose();
  const rounds = (clock: Clock, c: Contender, m: TwinModel): number[] =>
    perRound.get(`${clock}:${c}:${m}`) ?? [];
  console.log(`\n${torchVersion}`);
  report('wall', o, rounds);
  report('cpu', o, rounds);
  console.log(
    `\nload average at the start ${loadStart.map((l) => l.toFixed(1)).join(' ')}, at the end ` +
      `${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (${cpus().length} CPUs shared with other processes).`,
  );
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
