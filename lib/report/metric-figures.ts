/**
 * Figures of study results, one builder per figure: bars of a metric per kind and architecture,
 * validation curves, sweeps, batch-size dependence and step-time overhead. Pure: run records
 * (lib/study) in, Plotly figure JSON out; means across seeds with 95% confidence intervals
 * (Student t).
 *
 * @module
 */

import { zoomedRange } from '../plot/axis-range';
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
import { meanCI } from '../stats/basics';
import {
  type AggregatedMetric,
  batchSizeCurves,
  summarizeGroups,
  summarizeOverhead,
  sweepRobustness,
  type TrainRecord,
  trainRecords,
} from '../study/claims/aggregate';
import type { RunRecord } from '../study/spec/records';

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

type MeanInterval = { mean: number; lo: number; hi: number };

/**
 * Grouped bars: one trace per kind over the x categories, each bar a mean with its 95% CI error
 * bar (a missing value leaves a gap); `format` is the hover's d3 number format and `unit` follows it.
 */
function kindBars(
  norms: readonly string[],
  xs: readonly string[],
  cellOf: (norm: string, x: string) => MeanInterval | undefined,
  format: string,
  unit = '',
): PlotTrace[] {
  return norms.map((norm) => {
    const cis = xs.map((x) => cellOf(norm, x));
    return {
      type: 'bar',
      name: normKindLabel(norm),
      x: [...xs],
      y: cis.map((c) => (c ? finite(c.mean) : null)),
      marker: { color: normKindColor(norm) },
      error_y: ciErrorBars(cis),
      hovertemplate: `%{x} ${norm}: %{y:${format}}${unit}<extra></extra>`,
    };
  });
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
  const groupOf = (norm: string, a: string) =>
    groups.find((g) => g.point.arch === a && g.point.norm === norm);
  const data = kindBars(norms, archs, (norm, a) => groupOf(norm, a)?.metrics[metric], '.4g');
  const shown = groups.filter((g) => archs.includes(g.point.arch)).map((g) => g.metrics[metric]);
  const levels = [...shown.map((c) => c.lo), ...shown.map((c) => c.mean)];
  const tops = [...shown.map((c) => c.hi), ...shown.map((c) => c.mean)];
  // An accuracy near 0.9 on an axis from 0 hides a difference of 0.05: such axes start near the data.
  const range = ACCURACY_METRICS.has(metric) ? zoomedRange(levels, tops, 1) : undefined;
  const reachMetric = metric === 'stepsToTarget' || metric === 'secondsToTarget';
  if (reachMetric) markNeverReached(data, norms, archs, groupOf, Math.max(...tops.filter(Number.isFinite)));
  return {
    data,
    layout: themedLayout(
      (options.title ?? `${STUDY_METRIC_LABELS[metric]} (mean, 95% CI)`) +
        (missing.length ? `<br><sup>not shown: ${missing.join(', ')} (${why})</sup>` : ''),
      {
        barmode: 'group',
        xaxis: themedAxis('architecture'),
        yaxis: themedAxis(
          range ? `${STUDY_METRIC_LABELS[metric]} (axis from ${range[0]})` : STUDY_METRIC_LABELS[metric],
          range ? { range } : {},
        ),
      },
    ),
    config: { ...THEME_CONFIG },
  };
}

/** Metrics that are levels in [0, 1], where a zero-based axis may flatten the differences. */
const ACCURACY_METRICS: ReadonlySet<AggregatedMetric> = new Set<AggregatedMetric>([
  'testAccuracy',
  'valAccuracy',
  'bestValAccuracy',
  'trainAccuracy',
]);

/**
 * A kind whose runs never reached the target has no mean to draw; an empty slot would read as "not
 * run". Its slot gets a hatched, faded bar to the top of the chart, labelled "never reached" (it
 * took more than any run shown), with the share of runs in the hover.
 */
function markNeverReached(
  data: PlotTrace[],
  norms: readonly string[],
  archs: readonly string[],
  groupOf: (norm: string, arch: string) => { reachedShare: number; seeds: number[] } | undefined,
  top: number,
): void {
  if (!Number.isFinite(top)) return;
  norms.forEach((norm, i) => {
    const trace = data[i];
    const ys = trace.y as PlotNumber[];
    const never = archs.map((a, j) => ys[j] === null && groupOf(norm, a) !== undefined);
    if (!never.some(Boolean)) return;
    const color = normKindColor(norm);
    trace.y = ys.map((y, j) => (never[j] ? top * 1.05 : y));
    if (trace.error_y) {
      const bars = trace.error_y;
      bars.array = bars.array.map((v, j) => (never[j] ? null : v));
      bars.arrayminus = bars.arrayminus?.map((v, j) => (never[j] ? null : v));
    }
    trace.text = never.map((n) => (n ? 'never reached' : ''));
    trace.textposition = 'inside';
    trace.insidetextanchor = 'middle';
    trace.textangle = -90;
    trace.marker = {
      color: never.map((n) => (n ? withAlpha(color, 0.25) : color)),
      line: { color, width: never.map((n) => (n ? 1.5 : 0)) },
      pattern: { shape: never.map((n) => (n ? '/' : '')), fgcolor: color },
    };
    trace.customdata = archs.map((a, j) =>
      never[j]
        ? `none of its ${groupOf(norm, a)?.seeds.length ?? 0} runs reached the target`
        : Number((ys[j] as number).toPrecision(4)),
    );
    trace.hovertemplate = `%{x} ${norm}: %{customdata}<extra></extra>`;
  });
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
  const data = kindBars(
    norms,
    archs,
    (norm, a) => summaries.find((s) => `${s.arch} @ ${s.batchSize}` === a && s.norm === norm)?.ratio,
    '.3f',
    '× none',
  );
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
