/**
 * Claim 8's figure, drawn like Wu & He (2018), Figure 1: test error against batch size (largest
 * batch on the left), one line per norm kind, plus batch norm evaluated with population
 * statistics recomputed over the training set (dashed), so that bad running estimates can be told
 * apart from bad training.
 *
 * @module
 */
import {
  normKindColor,
  normKindLabel,
  PLOT_NORM_KINDS,
  THEME_CONFIG,
  themedAxis,
  themedLayout,
} from '../plot/theme';
import type { Figure, PlotNumber, PlotTrace } from '../plot/types';
import { type BatchSizeCurve, batchSizeCurves, trainRecords } from '../study/claims/aggregate';
import type { RunRecord } from '../study/spec/records';

const finite = (x: number): PlotNumber => (Number.isFinite(x) ? x : null);

function errorLine(c: BatchSizeCurve, name: string, color: string, dash?: 'dash'): PlotTrace {
  const err = c.points.map((p) => 100 * (1 - p.accuracy.mean));
  return {
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: c.points.map((p) => p.batchSize),
    y: err.map(finite),
    line: { color, ...(dash ? { dash } : {}) },
    marker: { color },
    error_y: {
      type: 'data',
      symmetric: false,
      // Error = 1 − accuracy: the accuracy CI's upper end is the error's lower end.
      array: c.points.map((p) => finite(100 * (p.accuracy.mean - p.accuracy.lo))),
      arrayminus: c.points.map((p) => finite(100 * (p.accuracy.hi - p.accuracy.mean))),
      visible: true,
      color,
    },
    hovertemplate: `${name} batch %{x}: %{y:.2f}% error<extra></extra>`,
  };
}

/**
 * Test error (%) against batch size, one line per (architecture,) norm kind, mean across seeds
 * with 95% CI error bars; failed runs count as chance. The x axis lists the batch sizes from the
 * largest to the smallest, as in Wu & He's Figure 1.
 *
 * @param options - `experiment` (default `batch`), `title`.
 *
 * @example
 * ```ts
 * show(batchSizeErrorFigure(study.records));
 * ```
 */
export function batchSizeErrorFigure(
  records: readonly RunRecord[],
  options: { experiment?: string | string[]; title?: string } = {},
): Figure {
  const runs = trainRecords(records, options.experiment ?? 'batch');
  const order = (n: string) => {
    const i = (PLOT_NORM_KINDS as readonly string[]).indexOf(n);
    return i < 0 ? 99 : i;
  };
  const curves = batchSizeCurves(runs).sort(
    (a, b) => a.arch.localeCompare(b.arch) || order(a.norm) - order(b.norm),
  );
  const population = batchSizeCurves(runs, 0.1, true).filter(
    (c) => c.points.length > 0 && (c.norm as string) === 'batch',
  );
  const archs = [...new Set(curves.map((c) => c.arch))];
  const label = (arch: string, what: string) => (archs.length > 1 ? `${arch} · ${what}` : what);
  const colorOf = (norm: string) => {
    try {
      return normKindColor(norm);
    } catch {
      return '#666666';
    }
  };
  const nameOf = (norm: string) => normKindLabel(norm);
  const data: PlotTrace[] = [
    ...curves.map((c) => errorLine(c, label(c.arch, nameOf(c.norm)), colorOf(c.norm))),
    ...population.map((c) =>
      errorLine(c, label(c.arch, `${nameOf('batch')}, population statistics`), colorOf('batch'), 'dash'),
    ),
  ];
  const sizes = [...new Set(curves.flatMap((c) => c.points.map((p) => p.batchSize)))].sort((a, b) => b - a);
  return {
    data,
    layout: themedLayout(options.title ?? 'test error against batch size (mean, 95% CI)', {
      xaxis: themedAxis('batch size (examples per step)', {
        type: 'log',
        autorange: 'reversed',
        tickvals: sizes,
        ticktext: sizes.map(String),
      }),
      yaxis: themedAxis('test error (%)'),
    }),
    config: { ...THEME_CONFIG },
  };
}
