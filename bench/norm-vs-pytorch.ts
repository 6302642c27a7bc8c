/**
 * Forward + backward of each normalization layer, normlab against PyTorch at its best, on the same
 * tensors.
 *
 * For every norm kind but `none` (`NORM_KINDS`, so new kinds join by themselves) and two feature
 * shapes, conv NHWC [64, 28, 28, 32] and dense [64, 256]: the layer in training mode, forward, then
 * the gradients w.r.t. the input, γ and β given an upstream gradient `dy` (tfjs' engine gradient
 * with `dy`, no extra loss op). normlab runs with its native kernels on (`native`) and off
 * (`portable`); PyTorch's layers (bench/pytorch-norm-layers.py, reference venv) read the same `x`
 * and `dy` from files this script writes. Layers are built with `convention: 'pytorch'` and
 * 8 groups for group norm. Each measurement is the median of `--reps` repetitions after 2 warm-ups;
 * the tables give the median over `--rounds` interleaved rounds (every contender once per round,
 * the order reversed on odd rounds).
 *
 * PyTorch at its best: every round runs it in every setting of `--torch-wait` (OpenMP's default
 * spin-waiting and passive waiting, see bench/reference-python.ts), `--torch-threads` and, for the
 * channel-wise kinds on conv features, `--torch-layouts` (channels_last or contiguous NCHW); the
 * comparison takes, per case, the setting with the lowest median.
 *
 * The floor printed at the end: forward + backward of layer, instance, group and RMS norm on
 * 64×28×28×32 no slower than PyTorch's (torch/native ≥ 1), on the CPU named.
 *
 * Usage: `node --import tsx bench/norm-vs-pytorch.ts [--rounds 3] [--reps 10]
 * [--kinds batch,layer,...] [--shapes conv,dense] [--torch-wait active,passive]
 * [--torch-threads 2,1] [--torch-layouts channels_last,contiguous] [--no-torch]`. The reference
 * venv is `.venv-ref` in the project root or `NORMLAB_REF_VENV`; create it with
 * `bash scripts/fixtures/setup-ref-venv.sh`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { setNativeKernels } from '../lib/native/tensorflow-ops';
import { NORM_KINDS, type NormKind, normLayer } from '../lib/norm/index';
import { sampleMedian as median } from '../lib/stats/basics';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { describeMachine, formatLoad, loadFooter, machineInfo, runBench } from './machine';
import { type ReferenceOptions, withReferenceOptions } from './reference-options';
import {
  ReferenceTimeLimit,
  ReferenceTimeout,
  runReferenceScript,
  settingOrder,
  type WaitPolicy,
} from './reference-python';

const SHAPES = { conv: [64, 28, 28, 32], dense: [64, 256] } as const;
type ShapeName = keyof typeof SHAPES;
const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];
const KINDS = NORM_KINDS.filter((k) => k !== 'none');

/** The kinds whose conv case must be no slower than PyTorch's. */
const FLOOR_KINDS: readonly NormKind[] = ['layer', 'instance', 'group', 'rms'];

interface Options extends ReferenceOptions {
  rounds: number;
  reps: number;
  kinds: NormKind[];
  shapes: ShapeName[];
  torch: boolean;
}

function options(): Options {
  const o = withReferenceOptions(
    new Command()
      .name('norm-vs-pytorch')
      .option('--rounds <n>', 'interleaved rounds', wholeNumber(1), 3)
      .option('--reps <n>', 'timed repetitions per measurement', wholeNumber(1), 10)
      .option('--kinds <list>', `some of ${KINDS.join(', ')}`, someOf(KINDS), [...KINDS])
      .option('--shapes <list>', `some of ${SHAPE_NAMES.join(', ')}`, someOf(SHAPE_NAMES), [...SHAPE_NAMES])
      .option('--no-torch', 'skip PyTorch'),
    'conv',
  )
    .showHelpAfterError()
    .parse()
    .opts<Options>();
  return o;
}

/** Median wall and CPU ms (this process, all threads) of one measurement. */
interface Cost {
  wall: number;
  cpu: number;
}

/** Median ms of forward + backward of `kind` on `x` with upstream gradient `dy`. */
function timeLayer(kind: NormKind, x: tf.Tensor, dy: tf.Tensor, reps: number, native: boolean): Cost {
  setNativeKernels(native);
  const layer = normLayer(kind, { convention: 'pytorch', groups: 8 });
  try {
    tf.dispose(layer.apply(x) as tf.Tensor); // build
    const params = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      // tfjs-node runs every op eagerly and synchronously: the gradients are computed when
      // `gradients` returns. (No read-back: copying the [64, 28, 28, 32] gradient into JavaScript
      // would add a memory copy PyTorch's side does not make.)
      tf.tidy(() => {
        tf.engine().gradients(() => layer.apply(x, { training: true }) as tf.Tensor, [x, ...params], dy);
      });
      const cpu = process.cpuUsage(cpu0);
      if (i >= 2) {
        times.push(performance.now() - t0);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
      }
    }
    return { wall: median(times), cpu: median(cpuTimes) };
  } finally {
    for (const w of layer.weights) w.dispose();
    setNativeKernels(true);
  }
}

const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);

/** Each round's cost, by `series|case` (series: native, portable, or a PyTorch setting). */
class Costs {
  private readonly byKey = new Map<string, Cost[]>();

  add(series: string, caseName: string, cost: Cost): void {
    const key = `${series}|${caseName}`;
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), cost]);
  }

  /** The median over rounds by `clock`, or undefined when the series never ran the case. */
  at(series: string, caseName: string, clock: keyof Cost): number | undefined {
    const costs = this.byKey.get(`${series}|${caseName}`) ?? [];
    return costs.length ? median(costs.map((c) => c[clock])) : undefined;
  }

  /** The PyTorch series (`torch:…`) that ran `caseName`. */
  torchSeries(caseName: string): string[] {
    return [...this.byKey.keys()]
      .filter((k) => k.startsWith('torch:') && k.endsWith(`|${caseName}`))
      .map((k) => k.slice(0, k.lastIndexOf('|')));
  }
}

/** PyTorch's fastest setting for a case by `clock`. */
function torchBest(
  costs: Costs,
  caseName: string,
  clock: keyof Cost,
): { setting: string; ms: number } | undefined {
  let best: { setting: string; ms: number } | undefined;
  for (const series of costs.torchSeries(caseName)) {
    const ms = costs.at(series, caseName, clock);
    if (ms !== undefined && (!best || ms < best.ms)) best = { setting: series.slice('torch:'.length), ms };
  }
  return best;
}

/** One PyTorch process (one wait policy and thread count): every case in every layout. */
function timeTorch(
  o: Options,
  dir: string,
  cases: string[],
  wait: WaitPolicy,
  threads: number,
  costs: Costs,
  limit: ReferenceTimeLimit,
): string {
  const t0 = performance.now();
  const lines = runReferenceScript(
    'pytorch-norm-layers.py',
    [
      ...['--data', dir, '--cases', cases.join(','), '--layouts', o.torchLayouts.join(',')],
      ...['--reps', String(o.reps), '--threads', String(threads)],
    ],
    threads,
    { waitPolicy: wait, timeoutSeconds: limit.seconds() },
  );
  limit.finished((performance.now() - t0) / 1000);
  for (const line of lines.slice(1)) {
    if (typeof line.median_ms === 'number')
      costs.add(`torch:${wait}/${threads}t/${line.layout}`, line.case as string, {
        wall: line.median_ms,
        cpu: line.median_cpu_ms as number,
      });
  }
  return `PyTorch ${lines[0].torch}`;
}

async function main(): Promise<void> {
  const o = options();
  console.log(describeBackend(await initBackend()));
  const machine = await machineInfo();
  console.log(await describeMachine());
  console.log(`${o.rounds} interleaved rounds × median of ${o.reps} reps`);

  const dir = mkdtempSync(join(tmpdir(), 'normlab-norm-bench-'));
  const inputs = new Map<ShapeName, { x: tf.Tensor; dy: tf.Tensor }>();
  const costs = new Costs();
  const limit = new ReferenceTimeLimit(o.torchTimeout);
  let torchNote = o.torch ? 'PyTorch not run' : 'PyTorch skipped (--no-torch)';
  const cases = o.shapes.flatMap((s) =>
    o.kinds.filter((k) => !(k === 'instance' && s === 'dense')).map((k) => ({ kind: k, shape: s })),
  );
  const caseNames = cases.map((c) => `${c.kind}:${c.shape}`);
  try {
    for (const s of o.shapes) {
      const x = tf.randomNormal([...SHAPES[s]], 0.5, 2, 'float32', 1);
      const dy = tf.randomNormal([...SHAPES[s]], 0, 1, 'float32', 2);
      inputs.set(s, { x, dy });
      writeFileSync(join(dir, `${s}-x.f32`), Buffer.from((x.dataSync() as Float32Array).buffer));
      writeFileSync(join(dir, `${s}-dy.f32`), Buffer.from((dy.dataSync() as Float32Array).buffer));
    }
    for (let r = 0; r < o.rounds; r++) {
      const steps: (() => void)[] = [
        () => {
          for (const c of cases) {
            const { x, dy } = inputs.get(c.shape) as { x: tf.Tensor; dy: tf.Tensor };
            costs.add('native', `${c.kind}:${c.shape}`, timeLayer(c.kind, x, dy, o.reps, true));
            costs.add('portable', `${c.kind}:${c.shape}`, timeLayer(c.kind, x, dy, o.reps, false));
          }
        },
      ];
      if (o.torch)
        for (const { wait, threads } of settingOrder(o.torchWait, o.torchThreads, 0))
          steps.push(() => {
            if (!o.torch) return;
            try {
              torchNote = timeTorch(o, dir, caseNames, wait, threads, costs, limit);
            } catch (error) {
              if (error instanceof ReferenceTimeout) {
                process.stderr.write(`  round ${r + 1}: torch ${wait}/${threads}t ${error.message}\n`);
                return;
              }
              torchNote = `PyTorch skipped: ${(error as Error).message}`;
              o.torch = false;
            }
          });
      for (const step of r % 2 === 0 ? steps : [...steps].reverse()) step();
      process.stderr.write(`  round ${r + 1} done (load ${formatLoad()})\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const { x, dy } of inputs.values()) tf.dispose([x, dy]);
  }

  console.log(`\n${torchNote}`);
  for (const clock of ['wall', 'cpu'] as const) {
    console.log(
      clock === 'wall'
        ? '\nwall ms per forward + backward (median of rounds); torch = PyTorch at its best; torch/native > 1: normlab is faster'
        : "\nCPU ms per forward + backward (each process' CPU time over all its threads); torch = its best setting by this clock",
    );
    const header = ['kind', 'shape', 'native', 'portable', 'torch', 'torch/native', 'torch setting'];
    console.log(header.map((h, i) => (i < 2 ? h.padEnd(14) : h.padStart(14))).join('  '));
    for (const name of caseNames) {
      const [kind, shape] = name.split(':');
      const native = costs.at('native', name, clock);
      const best = torchBest(costs, name, clock);
      const cells = [
        fmt(native),
        fmt(costs.at('portable', name, clock)),
        fmt(best?.ms),
        fmt(best && native ? best.ms / native : undefined),
      ];
      console.log(
        `${kind.padEnd(14)}${shape.padEnd(14)}${cells.map((v) => v.padStart(14)).join('  ')}  ${best?.setting ?? '-'}`,
      );
    }
  }
  const torchSettings = new Set(caseNames.flatMap((n) => costs.torchSeries(n)));
  if (torchSettings.size > 1) {
    console.log('\nPyTorch in every setting, wall ms (median of rounds)');
    for (const name of caseNames) {
      const cells = [...torchSettings]
        .filter((s) => costs.at(s, name, 'wall') !== undefined)
        .map((s) => `${s.slice('torch:'.length)} ${fmt(costs.at(s, name, 'wall'))}`);
      if (cells.length) console.log(`  ${name.padEnd(22)}${cells.join(', ')}`);
    }
  }
  if (o.shapes.includes('conv') && torchSettings.size > 0) {
    console.log(
      `\nfloor: native no slower than PyTorch at its best on 64×28×28×32 (wall), on ${machine.cpuModel}`,
    );
    for (const kind of FLOOR_KINDS) {
      if (!o.kinds.includes(kind)) continue;
      const name = `${kind}:conv`;
      const native = costs.at('native', name, 'wall');
      const best = torchBest(costs, name, 'wall');
      const value = best && native ? best.ms / native : undefined;
      const met = value !== undefined && value >= 1;
      console.log(`  ${kind.padEnd(10)}torch/native ${fmt(value)} (≥ 1: ${met ? 'met' : 'NOT met'})`);
    }
  }
  console.log(`\n${loadFooter(machine)}`);
}

runBench(main);
