/**
 * Figures of study results: pure builders from run records (lib/study) to Plotly figure JSON.
 * Every figure shows means across seeds with 95% confidence intervals (Student t).
 *
 * @module
 */

import { tableFigure } from '../plot/table';
import {
  normKindColor,
  normKindLabel,
  PLOT_NORM_KINDS,
  THEME_CONFIG,
  THEME_FONT_COLOR,
  themedAxis,
  themedLayout,
  withAlpha,
} from '../plot/theme';
import type { Figure, PlotNumber, PlotTrace } from '../plot/types';
import {
  type AggregatedMetric,
  batchSizeCurves,
  summarizeGroups,
  summarizeOverhead,
  sweepRobustness,
  type TrainRecord,
  trainRecords,
} from '../study/aggregate';
import { formatReferenceValues } from '../study/references';
import type { ClaimResult, Verdict } from '../study/scorecard';
import type { StudySpec } from '../study/spec';
import { meanCI } from '../study/stats';
import type { RunRecord } from '../study/types';
import { batchSizeErrorFigure } from './batch-size-figure';
import { mechanismFigures } from './mechanism-figures';

const formatP = (p: number): string =>
  Number.isFinite(p) ? (p < 0.001 ? p.toExponential(1) : p.toFixed(3)) : 'n/a';

const NORM_ORDER: readonly string[] = PLOT_NORM_KINDS;
const byNormOrder = (a: string, b: string) => NORM_ORDER.indexOf(a) - NORM_ORDER.indexOf(b);
const finite = (x: number): PlotNumber => (Number.isFinite(x) ? x : null);

/** Asymmetric error bars from 95% CIs (a missing CI leaves a gap). */
function ciErrorBars(
  cis: readonly ({ mean: number; lo: number; hi: number } | undefined)[],
  color?: string,
): NonNullable<PlotTrace['error_y']> {
  return {
    type: 'data',
    symmetric: false,
    array: cis.map((c) => (c ? finite(c.hi - c.mean) : null)),
    arrayminus: cis.map((c) => (c ? finite(c.mean - c.lo) : null)),
    visible: true,
    // The series' colour, else mid grey (Plotly's default #444 vanishes on a dark page).
    color: color ?? THEME_FONT_COLOR,
  };
}

/** Labels and axis titles of the metrics a bar figure can show. */
export const STUDY_METRIC_LABELS: Readonly<Record<AggregatedMetric, string>> = {
  stepsToTarget: 'steps to target accuracy',
  secondsToTarget: 'seconds to target accuracy',
  lossAuc: 'training loss AUC (mean loss)',
  lossRoughness: 'loss roughness (relative jitter)',
  epochsToPlateau: 'epochs to plateau',
  bestValAccuracy: 'best validation accuracy',
  valAccuracy: 'validation accuracy',
  testAccuracy: 'test accuracy',
  trainAccuracy: 'training accuracy',
  trainTestGap: 'train − test accuracy gap',
  medianStepMs: 'median ms per step',
  samplesPerSecond: 'training samples/s',
};

/**
 * Bars of one metric per architecture (x) and norm kind (colour), mean across seeds with 95% CI
 * error bars, for the runs of one experiment.
 *
 * @param records - run records.
 * @param metric - the metric, e.g. `testAccuracy`.
 * @param options - `experiment` (default `headline`), `title`.
 *
 * @example
 * ```ts
 * show(metricBarsFigure(study.records, 'testAccuracy', { experiment: 'headline' }));
 * ```
 */
export function metricBarsFigure(
  records: readonly RunRecord[],
  metric: AggregatedMetric,
  options: { experiment?: string | string[]; title?: string } = {},
): Figure {
  const runs = trainRecords(records, options.experiment ?? 'headline');
  const groups = summarizeGroups(runs);
  const allArchs = [...new Set(groups.map((g) => g.point.arch))];
  // An architecture without a single value (e.g. no run reached the target) gets no empty slot;
  // the title says which ones are left out and why.
  const archs = allArchs.filter((a) =>
    groups.some((g) => g.point.arch === a && Number.isFinite(g.metrics[metric].mean)),
  );
  const missing = allArchs.filter((a) => !archs.includes(a));
  const why =
    metric === 'stepsToTarget' || metric === 'secondsToTarget' ? 'no run reached the target' : 'no data';
  const norms = [...new Set(groups.map((g) => g.point.norm))].sort(byNormOrder);
  const data: PlotTrace[] = norms.map((norm) => {
    const cis = archs.map(
      (a) => groups.find((g) => g.point.arch === a && g.point.norm === norm)?.metrics[metric],
    );
    return {
      type: 'bar',
      name: normKindLabel(norm),
      x: archs,
      y: cis.map((c) => (c ? finite(c.mean) : null)),
      marker: { color: normKindColor(norm) },
      error_y: ciErrorBars(cis),
      hovertemplate: `%{x} ${norm}: %{y:.4g}<extra></extra>`,
    };
  });
  return {
    data,
    layout: themedLayout(
      (options.title ?? `${STUDY_METRIC_LABELS[metric]} (mean, 95% CI)`) +
        (missing.length ? `<br><sup>not shown: ${missing.join(', ')} (${why})</sup>` : ''),
      {
        barmode: 'group',
        xaxis: themedAxis('architecture'),
        yaxis: themedAxis(STUDY_METRIC_LABELS[metric]),
      },
    ),
    config: { ...THEME_CONFIG },
  };
}

/**
 * Validation accuracy per epoch, one line per norm kind with a 95% CI band across seeds, for one
 * architecture of an experiment (from the runs' compact histories).
 *
 * @example
 * ```ts
 * show(validationCurvesFigure(study.records, 'vgg'));
 * ```
 */
export function validationCurvesFigure(
  records: readonly RunRecord[],
  arch: string,
  options: { experiment?: string | string[]; title?: string } = {},
): Figure {
  const runs = trainRecords(records, options.experiment ?? 'headline').filter((r) => r.config.arch === arch);
  const norms = [...new Set(runs.map((r) => r.config.norm))].sort(byNormOrder);
  const data: PlotTrace[] = [];
  let maxEpochs = 0;
  for (const norm of norms) {
    const mine = runs.filter((r) => r.config.norm === norm && r.history);
    const epochs = Math.max(0, ...mine.map((r) => r.history?.epochs.length ?? 0));
    maxEpochs = Math.max(maxEpochs, epochs);
    const xs = Array.from({ length: epochs }, (_, i) => i + 1);
    const cis = xs.map((e) =>
      meanCI(
        mine
          .map((r) => r.history?.epochs[e - 1]?.valAccuracy)
          .filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
      ),
    );
    const color = normKindColor(norm);
    const upper = cis.map((c) => finite(Number.isFinite(c.hi) ? c.hi : c.mean));
    const lower = cis.map((c) => finite(Number.isFinite(c.lo) ? c.lo : c.mean));
    data.push(
      {
        type: 'scatter',
        mode: 'lines',
        x: xs,
        y: upper,
        line: { width: 0, color },
        showlegend: false,
        legendgroup: norm,
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'lines',
        x: xs,
        y: lower,
        line: { width: 0, color },
        fill: 'tonexty',
        fillcolor: withAlpha(color, 0.2),
        showlegend: false,
        legendgroup: norm,
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: normKindLabel(norm),
        legendgroup: norm,
        x: xs,
        y: cis.map((c) => finite(c.mean)),
        line: { color, width: 2 },
        hovertemplate: `epoch %{x} ${norm}: %{y:.4f}<extra></extra>`,
      },
    );
  }
  return {
    data,
    layout: themedLayout(options.title ?? `${arch}: validation accuracy per epoch (mean, 95% CI band)`, {
      xaxis: themedAxis('epoch', { tickvals: Array.from({ length: maxEpochs }, (_, i) => i + 1) }),
      yaxis: themedAxis('validation accuracy'),
    }),
    config: { ...THEME_CONFIG },
  };
}

function lineWithCI(
  name: string,
  color: string,
  x: number[],
  cis: { mean: number; lo: number; hi: number }[],
  hover: string,
): PlotTrace {
  return {
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x,
    y: cis.map((c) => finite(c.mean)),
    line: { color, width: 2 },
    marker: { color, size: 7 },
    error_y: ciErrorBars(cis, color),
    hovertemplate: hover,
  };
}

/**
 * Test accuracy against a swept factor (init scale, learning rate), one line per (arch, norm),
 * log-scaled x, 95% CI error bars; diverged runs count as chance accuracy (0.1).
 *
 * @example
 * ```ts
 * show(sweepFigure(study.records, 'learningRate'));
 * ```
 */
export function sweepFigure(
  records: readonly RunRecord[],
  factor: 'initScale' | 'learningRate',
  options: { experiment?: string | string[]; title?: string } = {},
): Figure {
  const experiment = options.experiment ?? (factor === 'initScale' ? 'init' : 'lr');
  const sweeps = sweepRobustness(trainRecords(records, experiment), factor).sort(
    (a, b) => a.arch.localeCompare(b.arch) || byNormOrder(a.norm, b.norm),
  );
  const archs = [...new Set(sweeps.map((s) => s.arch))];
  const label = factor === 'initScale' ? 'init scale' : 'learning rate';
  const data = sweeps.map((s) =>
    lineWithCI(
      archs.length > 1 ? `${s.arch} · ${normKindLabel(s.norm)}` : normKindLabel(s.norm),
      normKindColor(s.norm),
      s.perLevel.map((p) => p.level),
      s.perLevel.map((p) => p.accuracy),
      `${s.arch} ${s.norm} ${label} %{x}: %{y:.4f}<extra></extra>`,
    ),
  );
  archs.forEach((arch, i) => {
    for (const t of data.filter((_, j) => sweeps[j].arch === arch)) if (i > 0 && t.line) t.line.dash = 'dash';
  });
  return {
    data,
    layout: themedLayout(
      options.title ?? `test accuracy across ${label}s (diverged = chance; mean, 95% CI)`,
      {
        xaxis: themedAxis(label, { type: 'log' }),
        yaxis: themedAxis('test accuracy'),
      },
    ),
    config: { ...THEME_CONFIG },
  };
}

/**
 * Test accuracy against batch size, one line per (arch, norm), log-scaled x, 95% CI error bars.
 *
 * @example
 * ```ts
 * show(batchSizeFigure(study.records));
 * ```
 */
export function batchSizeFigure(
  records: readonly RunRecord[],
  options: { experiment?: string | string[]; title?: string } = {},
): Figure {
  const curves = batchSizeCurves(trainRecords(records, options.experiment ?? 'batch') as TrainRecord[]).sort(
    (a, b) => a.arch.localeCompare(b.arch) || byNormOrder(a.norm, b.norm),
  );
  const archs = [...new Set(curves.map((c) => c.arch))];
  const data = curves.map((c) =>
    lineWithCI(
      archs.length > 1 ? `${c.arch} · ${normKindLabel(c.norm)}` : normKindLabel(c.norm),
      normKindColor(c.norm),
      c.points.map((p) => p.batchSize),
      c.points.map((p) => p.accuracy),
      `${c.arch} ${c.norm} batch %{x}: %{y:.4f}<extra></extra>`,
    ),
  );
  const sizes = [...new Set(curves.flatMap((c) => c.points.map((p) => p.batchSize)))].sort((a, b) => a - b);
  return {
    data,
    layout: themedLayout(options.title ?? 'test accuracy against batch size (mean, 95% CI)', {
      xaxis: themedAxis('batch size', { type: 'log', tickvals: sizes, ticktext: sizes.map(String) }),
      yaxis: themedAxis('test accuracy'),
    }),
    config: { ...THEME_CONFIG },
  };
}

/**
 * Time per training step relative to no normalization (paired, interleaved timing), bars per
 * architecture and norm kind with 95% CI; a dashed line at 1.
 *
 * @example
 * ```ts
 * show(overheadFigure(study.records));
 * ```
 */
export function overheadFigure(records: readonly RunRecord[], options: { title?: string } = {}): Figure {
  const summaries = summarizeOverhead(records);
  const archs = [...new Set(summaries.map((s) => `${s.arch} @ ${s.batchSize}`))];
  const norms = [...new Set(summaries.map((s) => s.norm))].filter((n) => n !== 'none').sort(byNormOrder);
  const data: PlotTrace[] = norms.map((norm) => {
    const cis = archs.map(
      (a) => summaries.find((s) => `${s.arch} @ ${s.batchSize}` === a && s.norm === norm)?.ratio,
    );
    return {
      type: 'bar',
      name: normKindLabel(norm),
      x: archs,
      y: cis.map((c) => (c ? finite(c.mean) : null)),
      marker: { color: normKindColor(norm) },
      error_y: ciErrorBars(cis),
      hovertemplate: `%{x} ${norm}: %{y:.3f}× none<extra></extra>`,
    };
  });
  return {
    data,
    layout: themedLayout(
      options.title ?? 'time per step relative to no normalization (geometric mean of paired ratios, 95% CI)',
      {
        barmode: 'group',
        xaxis: themedAxis('architecture @ batch size'),
        yaxis: themedAxis('step time / step time without norm'),
        shapes: [
          {
            type: 'line',
            xref: 'paper',
            x0: 0,
            x1: 1,
            y0: 1,
            y1: 1,
            line: { dash: 'dash', color: '#888888', width: 1 },
          },
        ],
      },
    ),
    config: { ...THEME_CONFIG },
  };
}

/** A study figure with a heading and caption, as the report lays it out. */
export interface StudyFigureSection {
  /** Heading. */
  heading: string;
  /** What it shows. */
  caption: string;
  /** The figure. */
  figure: Figure;
}

/**
 * Every figure a study's results support (figures without data are left out; `spec`, when given,
 * says which experiment tests which claim): headline bars
 * (test accuracy, steps to target, loss AUC, train–test gap), validation curves per architecture,
 * init-scale and learning-rate sweeps, batch-size dependence, step-time overhead, and the
 * mechanism experiment's figures (claim 9, `mechanism-figures.ts`).
 */
export function studyFigures(records: readonly RunRecord[], spec?: StudySpec): StudyFigureSection[] {
  const out: StudyFigureSection[] = [];
  // The experiment testing a claim: from the spec when given, else the profiles' names.
  const experimentOf = (claim: number, fallback: string): string[] => {
    const names = spec?.experiments.filter((e) => (e.claims as number[]).includes(claim)).map((e) => e.name);
    return names && names.length > 0 ? names : [fallback];
  };
  const headlineName = experimentOf(1, 'headline');
  const headline = trainRecords(records, headlineName);
  if (headline.length) {
    const opts = { experiment: headlineName };
    out.push(
      {
        heading: 'Test accuracy',
        caption: 'Headline experiment; claims 3 and 6.',
        figure: metricBarsFigure(records, 'testAccuracy', opts),
      },
      {
        heading: 'Steps to the target validation accuracy',
        caption: 'Runs that reached the target; claims 1 and 6.',
        figure: metricBarsFigure(records, 'stepsToTarget', opts),
      },
      {
        heading: 'Loss AUC',
        caption: 'Average training loss over training (lower = faster convergence); claims 2 and 6.',
        figure: metricBarsFigure(records, 'lossAuc', opts),
      },
      {
        heading: 'Train–test gap',
        caption: 'Training accuracy minus test accuracy; claim 3.',
        figure: metricBarsFigure(records, 'trainTestGap', opts),
      },
    );
    for (const arch of [...new Set(headline.map((r) => r.config.arch))])
      out.push({
        heading: `Validation accuracy per epoch: ${arch}`,
        caption: 'Mean across seeds with a 95% CI band; claim 2.',
        figure: validationCurvesFigure(records, arch, opts),
      });
  }
  const init = experimentOf(4, 'init');
  if (trainRecords(records, init).length)
    out.push({
      heading: 'Robustness to the init scale',
      caption: 'Claim 4.',
      figure: sweepFigure(records, 'initScale', { experiment: init }),
    });
  const lr = experimentOf(5, 'lr');
  if (trainRecords(records, lr).length)
    out.push({
      heading: 'Sensitivity to the learning rate',
      caption: 'Claim 5.',
      figure: sweepFigure(records, 'learningRate', { experiment: lr }),
    });
  const batch = experimentOf(8, 'batch');
  if (trainRecords(records, batch).length)
    out.push({
      heading: 'Dependence on the batch size',
      caption:
        'Test error against batch size (learning rate scaled linearly with the batch, same epochs), one line per kind as in Wu & He (2018), Figure 1; dashed: batch norm evaluated with population statistics recomputed over the training set. Claim 8.',
      figure: batchSizeErrorFigure(records, { experiment: batch }),
    });
  if (summarizeOverhead(records).length)
    out.push({
      heading: 'Compute overhead per step',
      caption: 'Interleaved timing; claim 7.',
      figure: overheadFigure(records),
    });
  out.push(...mechanismFigures(records, spec));
  return out;
}

/**
 * Row colours of {@link scorecardTableFigure} by verdict (translucent, readable on light and dark).
 *
 * @example
 * ```ts
 * const background = VERDICT_COLORS.holds;
 * ```
 */
export const VERDICT_COLORS: Readonly<Record<Verdict, string>> = {
  holds: 'rgba(0, 158, 115, 0.18)',
  'does not hold': 'rgba(213, 94, 0, 0.18)',
  depends: 'rgba(201, 122, 0, 0.16)',
  inconclusive: 'rgba(86, 180, 233, 0.16)',
  'not tested': 'rgba(136, 136, 136, 0.10)',
};

/** Column headers of {@link scorecardTableFigure}. */
export const SCORECARD_TABLE_COLUMNS: readonly string[] = [
  'claim',
  'verdict',
  'comparison',
  'effect [95% CI] (pairs)',
  'adjusted p (equivalence p)',
  'outcome',
  'published reference',
];

/** Options of {@link scorecardTableFigure}. */
export interface ScorecardTableOptions {
  /** Figure title. Default `Claim scorecard`. */
  title?: string;
}

/**
 * The claim scorecard (from `scorecard(spec, records)` in lib/study/scorecard.ts) as a table: one
 * row per comparison, coloured by the claim's verdict ({@link VERDICT_COLORS}). The claim, its
 * verdict (with what it depends on) and its published reference points fill the claim's first
 * row; a claim without comparisons gets one `no data (<experiments>)` row. Columns:
 * `SCORECARD_TABLE_COLUMNS`; each comparison's effect with its 95% CI, its Holm-adjusted
 * p-values and its outcome. The height grows by 64 px per row so that wrapped cells fit.
 *
 * @example
 * ```ts
 * show(scorecardTableFigure(scorecard(spec, records), { title: `Claim scorecard: ${records.length} runs` }));
 * ```
 */
export function scorecardTableFigure(
  card: readonly ClaimResult[],
  options: ScorecardTableOptions = {},
): Figure {
  const rows: string[][] = [];
  const rowColors: string[] = [];
  for (const c of card) {
    const comparisons = c.comparisons.length ? c.comparisons : [null];
    comparisons.forEach((k, i) => {
      const first = i === 0;
      rows.push([
        first ? `${c.id}. ${c.title}` : '',
        first ? c.verdict + (c.dependsOn ? ` (on ${c.dependsOn})` : '') : '',
        k ? k.label : `no data (${c.experiments.join(', ') || 'no experiment'})`,
        k ? `${k.effectText} (n=${k.n})` : '-',
        k ? `${formatP(k.pAdjusted)} (${formatP(k.pEquivalenceAdjusted)})` : '-',
        k ? `${k.outcome}${k.deciding ? '' : ' (shown)'}` : '-',
        first
          ? c.references.map((r) => `${r.setting}: ${formatReferenceValues(r)} (${r.unit})`).join('; ')
          : '',
      ]);
      rowColors.push(VERDICT_COLORS[c.verdict] ?? 'rgba(0, 0, 0, 0)');
    });
  }
  return tableFigure([...SCORECARD_TABLE_COLUMNS], rows, {
    title: options.title ?? 'Claim scorecard',
    columnWidths: [1.6, 1.8, 2.6, 1.9, 1.9, 1.1, 2.6],
    rowColors,
    height: 140 + 64 * rows.length,
  });
}
