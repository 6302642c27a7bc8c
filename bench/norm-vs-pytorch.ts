/**
 * Forward + backward of each normalization layer, normlab against PyTorch, on the same tensors.
 *
 * For every norm kind but `none` (`NORM_KINDS`, so new kinds join by themselves) and two feature
 * shapes, conv NHWC [64, 28, 28, 32] and dense [64, 256]: the layer in training mode, forward, then
 * the gradients w.r.t. the input, γ and β given an upstream gradient `dy` (tfjs' engine gradient
 * with `dy`, no extra loss op). normlab runs with its native TensorFlow kernels on (`native`) and off
 * (`portable`); PyTorch's layers (bench/pytorch-norm-layers.py, reference venv) read the same `x`
 * and `dy` from files this script writes. Layers are built with `convention: 'pytorch'` and
 * 8 groups for group norm. Each measurement is the median of 10 repetitions after 2 warm-ups; the
 * table gives the median over 3 rounds, interleaved (every contender once per round).
 *
 * Usage: `node --import tsx bench/norm-vs-pytorch.ts [--rounds 3] [--reps 10] [--torch-threads 2]
 * [--kinds batch,layer,...] [--shapes conv,dense]`. The reference venv is `.venv-ref` in the project
 * root or `NORMLAB_REF_VENV`; create it with `bash scripts/fixtures/setup-ref-venv.sh`.
 *
 * Findings (27 Nov 2026, 2 vCPUs, otherwise idle, load average 1.3–1.6, `--rounds 5`, wall ms;
 * PyTorch with the fixed malloc thresholds of bench/reference-python.ts, which made it faster than
 * in earlier runs): TensorFlow's fused batch norm (lib/native) takes normlab's batch norm on
 * 64×28×28×32 from 4.8 (portable) to 1.1 ms, ahead of PyTorch's 1.5 ms. RMS norm is a little ahead
 * of PyTorch's, instance norm a little behind; PyTorch's layer and group norm are 3–5.5× faster,
 * and on dense 64×256 features PyTorch is 1.6–2.6× faster for every kind but batch (per-op
 * dispatch dominates such small tensors).
 * TensorFlow has no fused kernel for layer, instance or group norm; running them through
 * FusedBatchNormV3 would need the batch axis folded into the channels (a transpose of the whole
 * tensor each way), so they keep their closed-form portable paths (lib/norm/standardize.ts,
 * lib/norm/group-norm-op.ts). Until 26 Nov 2026 each repetition also read the input gradient back
 * into JavaScript (about 2 ms on 64×28×28×32, a copy PyTorch's side does not make); earlier
 * numbers include it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeBackend, initBackend } from '../lib/backend';
import { setNativeKernels } from '../lib/native/tensorflow-ops';
import { NORM_KINDS, type NormKind, normLayer } from '../lib/norm/index';
import { runReferenceScript } from './reference-python';

const SHAPES = { conv: [64, 28, 28, 32], dense: [64, 256] } as const;
type ShapeName = keyof typeof SHAPES;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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
  for (const w of layer.weights) w.dispose();
  setNativeKernels(true);
  return { wall: median(times), cpu: median(cpuTimes) };
}

const fmt = (x: number | undefined, digits = 2): string =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);

async function main(): Promise<void> {
  console.log(describeBackend(await initBackend()));
  const rounds = Number(arg('rounds', '3'));
  const reps = Number(arg('reps', '10'));
  const threads = Number(arg('torch-threads', '2'));
  const kinds = arg('kinds', NORM_KINDS.filter((k) => k !== 'none').join(',')).split(',') as NormKind[];
  const shapes = arg('shapes', 'conv,dense').split(',') as ShapeName[];
  for (const k of kinds)
    if (!NORM_KINDS.includes(k))
      throw new Error(`--kinds: unknown '${k}'; expected some of ${NORM_KINDS.join(', ')}`);
  for (const s of shapes)
    if (!(s in SHAPES)) throw new Error(`--shapes: unknown '${s}'; expected conv, dense`);
  const loadStart = loadavg();
  console.log(
    `${rounds} interleaved rounds × median of ${reps} reps; ${cpus().length} CPUs; load average ${loadStart.map((l) => l.toFixed(1)).join(' ')}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'normlab-norm-bench-'));
  const inputs = new Map<ShapeName, { x: tf.Tensor; dy: tf.Tensor }>();
  for (const s of shapes) {
    const x = tf.randomNormal([...SHAPES[s]], 0.5, 2, 'float32', 1);
    const dy = tf.randomNormal([...SHAPES[s]], 0, 1, 'float32', 2);
    writeFileSync(join(dir, `${s}-x.f32`), Buffer.from((x.dataSync() as Float32Array).buffer));
    writeFileSync(join(dir, `${s}-dy.f32`), Buffer.from((dy.dataSync() as Float32Array).buffer));
    inputs.set(s, { x, dy });
  }
  const cases = shapes.flatMap((s) =>
    kinds.filter((k) => !(k === 'instance' && s === 'dense')).map((k) => ({ kind: k, shape: s })),
  );
  const results = new Map<string, { native: Cost[]; portable: Cost[]; torch: Cost[] }>();
  for (const c of cases) results.set(`${c.kind}:${c.shape}`, { native: [], portable: [], torch: [] });
  let torchNote = '';
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const { x, dy } = inputs.get(c.shape)!;
      const entry = results.get(`${c.kind}:${c.shape}`)!;
      entry.native.push(timeLayer(c.kind, x, dy, reps, true));
      entry.portable.push(timeLayer(c.kind, x, dy, reps, false));
    }
    try {
      const lines = runReferenceScript(
        'pytorch-norm-layers.py',
        [
          '--data',
          dir,
          '--cases',
          cases.map((c) => `${c.kind}:${c.shape}`).join(','),
          '--reps',
          String(reps),
          '--threads',
          String(threads),
        ],
        threads,
      );
      torchNote = `PyTorch ${lines[0].torch}, ${lines[0].threads} thread(s), channels_last`;
      for (const line of lines.slice(1)) {
        if (typeof line.median_ms === 'number') {
          results
            .get(line.case as string)
            ?.torch.push({ wall: line.median_ms, cpu: line.median_cpu_ms as number });
        }
      }
    } catch (error) {
      torchNote = `PyTorch skipped: ${(error as Error).message}`;
    }
    process.stderr.write(`  round ${r + 1} done\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  for (const { x, dy } of inputs.values()) tf.dispose([x, dy]);

  console.log(`\n${torchNote}`);
  for (const clock of ['wall', 'cpu'] as const) {
    console.log(
      clock === 'wall'
        ? '\nwall ms per forward + backward (median of rounds); torch/native > 1: normlab is faster'
        : "\nCPU ms per forward + backward (each process' CPU time over all its threads; steadier on a loaded machine)",
    );
    const header = ['kind', 'shape', 'native', 'portable', 'torch', 'portable/native', 'torch/native'];
    console.log(header.map((h, i) => (i < 2 ? h.padEnd(14) : h.padStart(16))).join(''));
    for (const c of cases) {
      const e = results.get(`${c.kind}:${c.shape}`)!;
      const at = (costs: Cost[]) => (costs.length ? median(costs.map((k) => k[clock])) : undefined);
      const [native, portable, torch] = [at(e.native), at(e.portable), at(e.torch)];
      const cells = [
        fmt(native),
        fmt(portable),
        fmt(torch),
        fmt(portable !== undefined && native ? portable / native : undefined),
        fmt(torch !== undefined && native ? torch / native : undefined),
      ];
      console.log(c.kind.padEnd(14) + c.shape.padEnd(14) + cells.map((v) => v.padStart(16)).join(''));
    }
  }
  console.log(
    `\nload average at the start ${loadStart.map((l) => l.toFixed(1)).join(' ')}, at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${cpus().length} CPUs shared with other processes).`,
  );
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
