/**
 * The comparisons behind each claim, built from run records: headline metrics between kinds at
 * their tuned rates (claims 1, 2, 3, 6), robustness over a swept factor (claims 4, 5), the
 * batch-size drop (claim 8) and the interleaved step times (claim 7). Every comparison pairs runs
 * by seed (same initialization seed and data order). The outcomes are decided in decision.ts.
 *
 * @module
 */
import type { Architecture } from '../../models/types';
import type { TimeToEvent } from '../../stats/survival';
import type { StudyNorm } from '../spec/arms';
import { isOverheadRecord, type RunRecord } from '../spec/records';
import { accuracyOrChance, rangeWithin, tuningAccuracy } from '../spec/tuning';
import type { TrainRecord } from './aggregate';
import { MARGINS } from './claims';
import {
  type ClaimComparison,
  type ComparisonSpec,
  type EffectFormat,
  type EffectScale,
  pairedComparison,
  timeToEventComparison,
} from './decision';

/** The norm kinds of the study's design; any other kind in a batch-size experiment is a remedy. */
export const STANDARD_KINDS: readonly string[] = ['none', 'batch', 'layer', 'instance', 'group'];

/** How a headline metric is compared. */
export interface HeadlineMetric {
  /** Name in labels. */
  name: string;
  /** Supporting direction. */
  supportsWhen: 'higher' | 'lower';
  /** `time`: censored time to event; otherwise a paired comparison on `scale`. */
  kind: 'time' | 'paired';
  /** Scale of a paired comparison. */
  scale: EffectScale;
  /** Equivalence margin on that scale. */
  margin: number;
  /** Value of a run (paired), or null to drop the run. */
  value?: (r: TrainRecord) => number | null;
  /** Time to event of a run (time metrics). */
  time?: (r: TrainRecord) => TimeToEvent;
  /** How to print a difference. */
  format?: EffectFormat;
}

/**
 * A run's absolute loss jitter (claim 2): the recorded `lossJitter`, or, for records made before it
 * existed, the relative roughness times the mean loss of the second half of the run, taken from the
 * compact curve's bucket means (an approximation of the level the roughness was divided by).
 *
 * @example
 * ```ts
 * const jitter = lossJitterOf(run); // loss units, or null
 * ```
 */
export function lossJitterOf(r: TrainRecord): number | null {
  if (r.metrics.lossJitter !== undefined) return r.metrics.lossJitter;
  const roughness = r.metrics.lossRoughness;
  const curve = r.history?.curve;
  if (roughness === null || !curve) return null;
  const half = r.metrics.steps / 2;
  const level = curve.loss.filter((l, i): l is number => l !== null && curve.step[i] > half);
  if (level.length === 0) return null;
  return roughness * (level.reduce((a, b) => a + b, 0) / level.length);
}

/** The headline metrics by key. */
export const HEADLINE_METRICS: Readonly<Record<string, HeadlineMetric>> = {
  steps: {
    name: 'steps to target',
    supportsWhen: 'lower',
    kind: 'time',
    scale: 'log-ratio',
    margin: MARGINS.relative,
    time: (r) => ({
      time: r.metrics.stepsToTarget ?? r.metrics.divergedAtStep ?? r.metrics.steps,
      event: r.metrics.stepsToTarget !== null,
    }),
  },
  seconds: {
    name: 'seconds to target',
    supportsWhen: 'lower',
    kind: 'time',
    scale: 'log-ratio',
    margin: MARGINS.relative,
    time: (r) => ({
      time: r.metrics.secondsToTarget ?? r.metrics.trainSeconds,
      event: r.metrics.secondsToTarget !== null,
    }),
  },
  lossAuc: {
    name: 'loss AUC',
    supportsWhen: 'lower',
    kind: 'paired',
    scale: 'log-ratio',
    margin: MARGINS.relative,
    value: (r) => r.metrics.lossAuc,
  },
  jitter: {
    name: 'loss jitter',
    supportsWhen: 'lower',
    kind: 'paired',
    scale: 'log-ratio',
    margin: MARGINS.relative,
    value: lossJitterOf,
  },
  roughness: {
    name: 'relative loss roughness',
    supportsWhen: 'lower',
    kind: 'paired',
    scale: 'log-ratio',
    margin: MARGINS.relative,
    value: (r) => r.metrics.lossRoughness,
  },
  plateau: {
    name: 'epochs to plateau',
    supportsWhen: 'lower',
    kind: 'paired',
    scale: 'difference',
    margin: MARGINS.epochs,
    value: (r) => r.metrics.epochsToPlateau,
    format: { unit: 'epochs', factor: 1, digits: 2 },
  },
  testAccuracy: {
    name: 'test accuracy',
    supportsWhen: 'higher',
    kind: 'paired',
    scale: 'difference',
    margin: MARGINS.accuracy,
    value: (r) => accuracyOrChance(r.metrics),
  },
  gap: {
    name: 'train–test gap',
    supportsWhen: 'lower',
    kind: 'paired',
    scale: 'difference',
    margin: MARGINS.accuracy,
    value: (r) => r.metrics.trainTestGap,
  },
};

/** Per-seed values of a metric over runs (nulls and non-finite values dropped). */
export function valuesBySeed(
  runs: readonly TrainRecord[],
  value: (r: TrainRecord) => number | null,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of runs) {
    const v = value(r);
    if (v !== null && Number.isFinite(v)) out.set(r.config.seed, v);
  }
  return out;
}

/**
 * The grid points of headline runs: runs that differ only in norm kind, learning rate (each kind
 * at its own tuned rate) and seed share a point.
 */
function headlinePoints(records: readonly TrainRecord[]): Map<string, TrainRecord[]> {
  const out = new Map<string, TrainRecord[]>();
  for (const r of records) {
    const c = r.config;
    const key = `${c.arch}|${c.batchSize}|${c.initScale}|${c.dataset.trainSize}|${c.epochs}`;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

/** One subject-vs-reference comparison on a headline metric. */
export function headlineComparison(
  label: string,
  facets: Record<string, string>,
  metricKey: string,
  subject: { name: string; runs: readonly TrainRecord[] },
  reference: { name: string; runs: readonly TrainRecord[] },
  deciding: boolean,
): ClaimComparison {
  const m = HEADLINE_METRICS[metricKey];
  const spec: ComparisonSpec = {
    label,
    facets,
    metric: m.name,
    supportsWhen: m.supportsWhen,
    deciding,
    subjectName: subject.name,
    referenceName: reference.name,
  };
  if (m.kind === 'time') {
    const times = (runs: readonly TrainRecord[]) => new Map(runs.map((r) => [r.config.seed, m.time!(r)]));
    return timeToEventComparison(spec, times(subject.runs), times(reference.runs), m.margin);
  }
  return pairedComparison(
    spec,
    valuesBySeed(subject.runs, m.value!),
    valuesBySeed(reference.runs, m.value!),
    m.scale,
    m.margin,
    m.format,
  );
}

/**
 * Batch norm vs each rival on the given metrics, per headline grid point (usually one per
 * architecture).
 *
 * @param metrics - metric keys with whether each decides the verdict.
 */
export function headlineComparisons(
  records: readonly TrainRecord[],
  rivals: readonly StudyNorm[],
  metrics: readonly { key: string; deciding: boolean }[],
): ClaimComparison[] {
  const out: ClaimComparison[] = [];
  const points = headlinePoints(records);
  const archCount = new Map<string, number>();
  for (const key of points.keys())
    archCount.set(key.split('|')[0], (archCount.get(key.split('|')[0]) ?? 0) + 1);
  for (const [key, runs] of points) {
    const [arch, batch, init, size, epochs] = key.split('|');
    const where =
      (archCount.get(arch) ?? 0) > 1
        ? `${arch} @ batch ${batch}, init ${init}, ${size} examples, ${epochs} epochs`
        : arch;
    const bn = runs.filter((r) => r.config.norm === 'batch');
    if (bn.length === 0) continue;
    for (const rival of rivals) {
      const other = runs.filter((r) => r.config.norm === rival);
      if (other.length === 0) continue;
      for (const { key: metricKey, deciding } of metrics) {
        const facets: Record<string, string> = {
          architecture: where,
          metric: HEADLINE_METRICS[metricKey].name,
        };
        if (rivals.length > 1) facets.rival = rival;
        out.push(
          headlineComparison(
            `${where}: ${HEADLINE_METRICS[metricKey].name}, batch vs ${rival}`,
            facets,
            metricKey,
            { name: 'batch', runs: bn },
            { name: rival, runs: other },
            deciding,
          ),
        );
      }
    }
  }
  return out;
}

/** Per seed, a reduction of a run value over every level of a swept factor (seeds missing a level are dropped). */
function perSeedOverLevels(
  runs: readonly TrainRecord[],
  factor: 'initScale' | 'learningRate' | 'batchSize',
  reduce: (levels: number[], values: number[]) => number,
  value: (r: TrainRecord) => number,
): Map<number, number> {
  const levels = [...new Set(runs.map((r) => r.config[factor]))].sort((a, b) => a - b);
  const out = new Map<number, number>();
  for (const seed of new Set(runs.map((r) => r.config.seed))) {
    const at = levels.map((l) => runs.find((r) => r.config.seed === seed && r.config[factor] === l));
    if (at.some((r) => r === undefined)) continue;
    out.set(seed, reduce(levels, (at as TrainRecord[]).map(value)));
  }
  return out;
}

const byArchNorm = (records: readonly TrainRecord[]) => {
  const out = new Map<string, TrainRecord[]>();
  for (const r of records) {
    const key = `${r.config.arch}|${r.config.norm}`;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
};

const archesOf = (records: readonly TrainRecord[]) =>
  [...new Set(records.map((r) => r.config.arch))] as Architecture[];

/**
 * Test accuracy with population statistics recomputed over the training set (null when the run has
 * none); a failed run counts at chance, as {@link accuracyOrChance} counts it with the running ones.
 */
const populationAccuracyOrChance = (r: TrainRecord): number | null =>
  r.metrics.diverged || r.metrics.collapsed
    ? r.metrics.chanceAccuracy
    : r.metrics.testAccuracyPopulationStats;

/** The kinds of `arch` outside the study's design (the small-batch remedies), with their runs. */
function remediesOf(groups: ReadonlyMap<string, TrainRecord[]>, arch: string): [string, TrainRecord[]][] {
  const out: [string, TrainRecord[]][] = [];
  for (const [key, runs] of groups) {
    const [a, norm] = key.split('|');
    if (a === arch && !STANDARD_KINDS.includes(norm)) out.push([norm, runs]);
  }
  return out;
}

/** Claim 4: per seed worst (deciding) and mean (secondary) test accuracy over init scales, batch vs none. */
export function initComparisons(records: readonly TrainRecord[]): ClaimComparison[] {
  const groups = byArchNorm(records);
  const out: ClaimComparison[] = [];
  for (const arch of archesOf(records)) {
    const bn = groups.get(`${arch}|batch`);
    const none = groups.get(`${arch}|none`);
    if (!bn || !none) continue;
    const acc = (r: TrainRecord) => accuracyOrChance(r.metrics);
    for (const [what, reduce, deciding] of [
      ['worst', (_: number[], v: number[]) => Math.min(...v), true],
      ['mean', (_: number[], v: number[]) => v.reduce((s, x) => s + x, 0) / v.length, false],
    ] as const)
      out.push(
        pairedComparison(
          {
            label: `${arch}: ${what} test accuracy over init scales, batch vs none`,
            facets: { architecture: arch, metric: `${what} accuracy` },
            metric: `${what} accuracy over init scales`,
            supportsWhen: 'higher',
            deciding,
            subjectName: 'batch',
            referenceName: 'none',
          },
          perSeedOverLevels(bn, 'initScale', reduce, acc),
          perSeedOverLevels(none, 'initScale', reduce, acc),
          'difference',
          MARGINS.accuracy,
        ),
      );
  }
  return out;
}

/**
 * Claim 5: per seed, the width (decades) of the learning-rate range within `tolerance` of that
 * seed's best validation accuracy (deciding), and the worst test accuracy over the rates
 * (secondary), batch vs none.
 */
export function learningRateComparisons(
  records: readonly TrainRecord[],
  tolerance: number,
): ClaimComparison[] {
  const groups = byArchNorm(records);
  const out: ClaimComparison[] = [];
  for (const arch of archesOf(records)) {
    const bn = groups.get(`${arch}|batch`);
    const none = groups.get(`${arch}|none`);
    if (!bn || !none) continue;
    const width = (levels: number[], v: number[]) => rangeWithin(levels, v, tolerance).widthDecades;
    const val = (r: TrainRecord) => tuningAccuracy(r.metrics);
    out.push(
      pairedComparison(
        {
          label: `${arch}: width of the learning-rate range within ${Math.round(tolerance * 100)} points of the best, batch vs none`,
          facets: { architecture: arch, metric: 'good learning-rate range' },
          metric: 'good learning-rate range (decades)',
          supportsWhen: 'higher',
          deciding: true,
          subjectName: 'batch',
          referenceName: 'none',
        },
        perSeedOverLevels(bn, 'learningRate', width, val),
        perSeedOverLevels(none, 'learningRate', width, val),
        'difference',
        MARGINS.decades,
        { unit: 'decades', factor: 1, digits: 2 },
      ),
      pairedComparison(
        {
          label: `${arch}: worst test accuracy over learning rates, batch vs none`,
          facets: { architecture: arch, metric: 'worst accuracy' },
          metric: 'worst accuracy over learning rates',
          supportsWhen: 'higher',
          deciding: false,
          subjectName: 'batch',
          referenceName: 'none',
        },
        perSeedOverLevels(
          bn,
          'learningRate',
          (_, v) => Math.min(...v),
          (r) => accuracyOrChance(r.metrics),
        ),
        perSeedOverLevels(
          none,
          'learningRate',
          (_, v) => Math.min(...v),
          (r) => accuracyOrChance(r.metrics),
        ),
        'difference',
        MARGINS.accuracy,
      ),
    );
  }
  return out;
}

/**
 * Shared-rate view (secondary): batch vs none test accuracy when both train at the same rate,
 * `none`'s tuned rate, from the runs of a learning-rate grid.
 */
export function sharedRateComparisons(
  records: readonly TrainRecord[],
  sharedRate: (arch: Architecture) => number | null,
): ClaimComparison[] {
  const out: ClaimComparison[] = [];
  for (const arch of archesOf(records)) {
    const rate = sharedRate(arch);
    if (rate === null) continue;
    const at = records.filter((r) => r.config.arch === arch && r.config.learningRate === rate);
    const bn = at.filter((r) => r.config.norm === 'batch');
    const none = at.filter((r) => r.config.norm === 'none');
    if (!bn.length || !none.length) continue;
    out.push(
      headlineComparison(
        `${arch}: test accuracy at the shared rate ${rate} (none's tuned rate), batch vs none`,
        { architecture: arch, metric: 'test accuracy at a shared rate' },
        'testAccuracy',
        { name: 'batch', runs: bn },
        { name: 'none', runs: none },
        false,
      ),
    );
  }
  return out;
}

/** Per seed, test accuracy at the largest batch minus at the smallest (failures at chance). */
function dropBySeed(
  runs: readonly TrainRecord[],
  value: (r: TrainRecord) => number | null,
): Map<number, number> {
  return perSeedOverLevels(
    runs,
    'batchSize',
    (_, v) => v[v.length - 1] - v[0],
    (r) => value(r) ?? Number.NaN,
  );
}

/**
 * Claim 8: per architecture, batch norm's accuracy drop from the largest to the smallest batch vs
 * group norm's (else layer's, else none's) — deciding; and, shown only: batch norm evaluated with
 * population statistics, batch vs the other kinds, and each remedy vs batch norm.
 */
export function batchSizeComparisons(records: readonly TrainRecord[]): ClaimComparison[] {
  const groups = byArchNorm(records);
  const out: ClaimComparison[] = [];
  const acc = (r: TrainRecord) => accuracyOrChance(r.metrics);
  for (const arch of archesOf(records)) {
    const bn = groups.get(`${arch}|batch`);
    if (!bn) continue;
    const sizes = [...new Set(bn.map((r) => r.config.batchSize))].sort((a, b) => a - b);
    if (sizes.length < 2) continue;
    const span = `batch ${sizes[sizes.length - 1]} → ${sizes[0]}`;
    const rivals = ['group', 'layer', 'none'].filter((k) => groups.has(`${arch}|${k}`));
    const drop = (name: string, runs: TrainRecord[], value: (r: TrainRecord) => number | null = acc) => ({
      name,
      runs,
      drop: dropBySeed(runs, value),
    });
    const cmp = (
      subject: ReturnType<typeof drop>,
      reference: ReturnType<typeof drop>,
      deciding: boolean,
      supportsWhen: 'higher' | 'lower' = 'higher',
    ) =>
      pairedComparison(
        {
          label: `${arch}: accuracy drop ${span}, ${subject.name} vs ${reference.name}`,
          facets: { architecture: arch, rival: reference.name },
          metric: 'accuracy drop from the largest to the smallest batch',
          supportsWhen,
          deciding,
          subjectName: subject.name,
          referenceName: reference.name,
        },
        subject.drop,
        reference.drop,
        'difference',
        MARGINS.accuracy,
      );
    const bnDrop = drop('batch', bn);
    for (const [i, rival] of rivals.entries())
      out.push(cmp(bnDrop, drop(rival, groups.get(`${arch}|${rival}`)!), i === 0));
    if (bn.some((r) => r.metrics.testAccuracyPopulationStats !== null) && rivals.length)
      out.push(
        cmp(
          drop('batch (population statistics)', bn, populationAccuracyOrChance),
          drop(rivals[0], groups.get(`${arch}|${rivals[0]}`)!),
          false,
        ),
      );
    for (const [norm, runs] of remediesOf(groups, arch))
      out.push(cmp(drop(norm, runs), bnDrop, false, 'lower'));
  }
  return out;
}

/**
 * Claim 7: per (architecture, batch size), paired step times of batch vs none (deciding) and,
 * shown only, of batch vs every other kind and of every other kind vs none. The pairs are the
 * replicates: each replicate times its kinds in alternating rounds in a process of its own, and
 * gives each kind the geometric mean of its round medians. Rounds inside one process share its
 * state (caches, allocator, thread pools), so they are not independent samples; replicates are.
 */
export function overheadComparisons(records: readonly RunRecord[]): ClaimComparison[] {
  const out: ClaimComparison[] = [];
  const runs = records.filter(isOverheadRecord);
  const points = [...new Set(runs.map((r) => `${r.config.arch}|${r.config.batchSize}`))];
  for (const point of points) {
    const [arch, batch] = point.split('|');
    const here = runs.filter((r) => `${r.config.arch}|${r.config.batchSize}` === point);
    const replicatesOf = (norm: string) => {
      const m = new Map<number, number>();
      here.forEach((r, rep) => {
        const rounds = (r.metrics.timings.find((x) => x.norm === norm)?.roundMs ?? []).filter(
          (ms) => Number.isFinite(ms) && ms > 0,
        );
        if (rounds.length === 0) return;
        m.set(rep, Math.exp(rounds.reduce((sum, ms) => sum + Math.log(ms), 0) / rounds.length));
      });
      return m;
    };
    const kinds = [...new Set(here.flatMap((r) => r.metrics.timings.map((t) => t.norm)))];
    const cmp = (subject: string, reference: string, deciding: boolean) =>
      pairedComparison(
        {
          label: `${arch} @ batch ${batch}: step time, ${subject} vs ${reference}`,
          facets: { architecture: arch, rival: reference },
          metric: 'step time ratio',
          supportsWhen: 'higher',
          deciding,
          subjectName: subject,
          referenceName: reference,
        },
        replicatesOf(subject),
        replicatesOf(reference),
        'log-ratio',
        MARGINS.stepTime,
      );
    if (kinds.includes('batch') && kinds.includes('none')) out.push(cmp('batch', 'none', true));
    for (const k of kinds) if (k !== 'batch' && k !== 'none') out.push(cmp(k, 'none', false));
    for (const k of kinds)
      if (k !== 'batch' && k !== 'none' && kinds.includes('batch')) out.push(cmp('batch', k, false));
  }
  return out;
}

/**
 * Per seed, a kind's small-batch penalty: test accuracy at the base batch (where its rate was
 * tuned) minus at `small` (failures at chance). Positive: the small batch costs accuracy.
 */
function penaltyBySeed(
  runs: readonly TrainRecord[],
  base: number,
  small: number,
  value: (r: TrainRecord) => number | null,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const seed of new Set(runs.map((r) => r.config.seed))) {
    const at = (b: number) => runs.find((r) => r.config.seed === seed && r.config.batchSize === b);
    const [a, s] = [at(base), at(small)];
    if (!a || !s) continue;
    const [va, vs] = [value(a), value(s)];
    if (va !== null && vs !== null && Number.isFinite(va) && Number.isFinite(vs)) out.set(seed, va - vs);
  }
  return out;
}

/**
 * Claim 8 as Wu & He (2018) measured it: each kind's rate tuned at the base batch and scaled
 * linearly to the small ones, the same epochs at every size; per seed, each kind's **small-batch
 * penalty** (its test accuracy at the base batch minus at the small batch). Deciding, per small
 * batch up to `largestDeciding`: batch norm's penalty vs group norm's (a larger one supports; a
 * smaller one is the opposite). Shown: batch norm's penalty vs no norm's (the control: no norm has
 * no batch statistics, so its penalty is what the sweep itself costs), batch norm with recomputed
 * population statistics vs group norm, and each remedy's penalty vs batch norm's (smaller is better).
 *
 * @param base - the batch size the rates were tuned at (e.g. 32).
 * @param largestDeciding - the largest small batch that decides (e.g. 16); larger ones are shown.
 */
export function smallBatchComparisons(
  records: readonly TrainRecord[],
  base: number,
  largestDeciding = 16,
): ClaimComparison[] {
  const groups = byArchNorm(records);
  const out: ClaimComparison[] = [];
  const acc = (r: TrainRecord) => accuracyOrChance(r.metrics);
  for (const arch of archesOf(records)) {
    const bn = groups.get(`${arch}|batch`);
    if (!bn) continue;
    const sizes = [...new Set(bn.map((r) => r.config.batchSize))]
      .filter((b) => b !== base)
      .sort((a, b) => a - b);
    for (const small of sizes) {
      const deciding = small < base && small <= largestDeciding;
      const cmp = (
        subject: { name: string; runs: readonly TrainRecord[]; value?: (r: TrainRecord) => number | null },
        reference: { name: string; runs: readonly TrainRecord[] },
        decides: boolean,
        supportsWhen: 'higher' | 'lower' = 'higher',
      ) =>
        pairedComparison(
          {
            label: `${arch}: test accuracy lost from batch ${base} to ${small}, ${subject.name} vs ${reference.name}`,
            facets: {
              architecture: arch,
              'batch size': String(small),
              rival: reference.name,
              from: `batch ${base}`,
              to: `batch ${small}`,
            },
            metric: 'small-batch penalty',
            supportsWhen,
            deciding: decides,
            subjectName: subject.name,
            referenceName: reference.name,
          },
          penaltyBySeed(subject.runs, base, small, subject.value ?? acc),
          penaltyBySeed(reference.runs, base, small, acc),
          'difference',
          MARGINS.accuracy,
        );
      const group = groups.get(`${arch}|group`);
      const none = groups.get(`${arch}|none`);
      if (group) out.push(cmp({ name: 'batch', runs: bn }, { name: 'group', runs: group }, deciding));
      if (none) out.push(cmp({ name: 'batch', runs: bn }, { name: 'none', runs: none }, false));
      if (group && bn.some((r) => r.metrics.testAccuracyPopulationStats !== null))
        out.push(
          cmp(
            { name: 'batch (population statistics)', runs: bn, value: populationAccuracyOrChance },
            { name: 'group', runs: group },
            false,
          ),
        );
      for (const [norm, runs] of remediesOf(groups, arch))
        out.push(cmp({ name: norm, runs }, { name: 'batch', runs: bn }, false, 'lower'));
    }
  }
  return out;
}

/**
 * The control of claim 8: per architecture, no norm's mean test accuracy at each batch size and
 * its spread (the design asks less than 1 point: a larger spread means the sweep itself, not batch
 * statistics, moves accuracy).
 */
export function batchControlNotes(records: readonly TrainRecord[]): string[] {
  const notes: string[] = [];
  for (const arch of archesOf(records)) {
    const none = records.filter((r) => r.config.arch === arch && r.config.norm === 'none');
    if (!none.length) continue;
    const sizes = [...new Set(none.map((r) => r.config.batchSize))].sort((a, b) => a - b);
    const means = sizes.map((b) => {
      const v = none.filter((r) => r.config.batchSize === b).map((r) => accuracyOrChance(r.metrics));
      return v.reduce((s, x) => s + x, 0) / v.length;
    });
    const spread = Math.max(...means) - Math.min(...means);
    notes.push(
      `${arch}/none (the control): mean test accuracy ${sizes.map((b, i) => `${means[i].toFixed(3)} at batch ${b}`).join(', ')}; ` +
        `spread ${(100 * spread).toFixed(1)} points (${spread < 0.01 ? 'under 1 point: the sweep is fair' : 'the design asks under 1 point: the sweep itself moves accuracy'})`,
    );
  }
  return notes;
}
