/**
 * A live display for a study run from a notebook: a progress line (runs done, ETA, the run in
 * progress) and, once a run has finished, a chart of the finished runs' test accuracy by norm kind, updated in place in
 * tslab (`newDisplay()`), printed every few runs elsewhere. Feed it the study runner's
 * `onProgress` callback.
 *
 * @module
 */

import { PLOTLY_MIME, plotlyBundle, type TslabDisplay, tslabModule } from '../plot/display';
import { normKindColor, normKindLabel, PLOT_NORM_KINDS, themedAxis, themedLayout } from '../plot/theme';
import type { Figure, PlotTrace } from '../plot/types';
import { formatPlotNumber } from '../plot/values';
import type { StudyProgress } from '../study/run/runner';

/** Options of {@link liveStudy}. */
export interface LiveStudyOptions {
  /** Chart title. Default `Study progress`. */
  title?: string;
  /** Least milliseconds between two redraws (run completions always redraw). Default 1000. */
  throttleMs?: number;
  /** Outside notebooks, print a line every this many finished runs. Default 10. */
  logEvery?: number;
}

/** The live study display. */
export interface LiveStudy {
  /** Pass as the runner's `onProgress`. */
  onProgress: (progress: StudyProgress) => void;
  /** Final redraw, with an optional closing line. */
  done(message?: string): void;
  /** The chart as it stands. */
  figure(): Figure;
  /** The progress text as it stands. */
  progressText(): string;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A live display of a study's progress.
 *
 * @example
 * ```ts
 * const live = liveStudy({ title: 'quick profile' });
 * const result = await runStudy({ spec, outDir, executor: trainingExecutor(), onProgress: live.onProgress });
 * live.done(`${result.executed} runs trained, ${result.skipped} found in the results file`);
 * ```
 */
export function liveStudy(options: LiveStudyOptions = {}): LiveStudy {
  const tslab = tslabModule();
  const throttle = options.throttleMs ?? 1000;
  const logEvery = options.logEvery ?? 10;
  const finished: { index: number; norm: string; arch: string; accuracy: number | null }[] = [];
  let last: StudyProgress | null = null;
  let closing = '';
  let lastDraw = 0;
  let textDisplay: TslabDisplay | null = null;
  let chartDisplay: TslabDisplay | null = null;

  function progressText(): string {
    if (!last) return closing || 'starting';
    const p = last;
    const parts = [`runs ${p.done}/${p.total}`];
    if (p.resumed) parts.push(`${p.resumed} already in the results file`);
    parts.push(`elapsed ${duration(p.elapsedSeconds)}`);
    if (p.etaSeconds !== null && p.done < p.total) parts.push(`ETA ${duration(p.etaSeconds)}`);
    const lines = [parts.join(' · ')];
    if (p.current && p.done < p.total) {
      const c = p.current.config;
      const what = c.kind === 'train' ? `${c.arch} ${c.norm} seed ${c.seed}` : 'overhead timing';
      const step = p.step ? ` · step ${p.step.step}/${p.step.totalSteps}` : '';
      const loss = p.step?.loss !== undefined ? ` · loss ${formatPlotNumber(p.step.loss)}` : '';
      lines.push(`now: ${what}${step}${loss}`);
    }
    if (closing) lines.push(closing);
    return lines.join('\n');
  }

  function figure(): Figure {
    const kinds = PLOT_NORM_KINDS.filter((k) => finished.some((f) => f.norm === k));
    const data: PlotTrace[] = kinds.map((kind) => {
      const mine = finished.filter((f) => f.norm === kind);
      return {
        type: 'scatter',
        name: normKindLabel(kind),
        x: mine.map((f) => f.index),
        y: mine.map((f) => f.accuracy),
        text: mine.map((f) => `${f.arch} ${normKindLabel(kind)}`),
        mode: 'markers',
        marker: { color: normKindColor(kind), size: 8 },
        hovertemplate: '%{text}: %{y:.3f}<extra></extra>',
      };
    });
    return {
      data,
      layout: themedLayout(options.title ?? 'Study progress', {
        height: 360,
        xaxis: themedAxis('finished run'),
        yaxis: themedAxis('test accuracy'),
      }),
    };
  }

  function draw(force: boolean): void {
    if (!tslab) return;
    const now = Date.now();
    if (!force && now - lastDraw < throttle) return;
    lastDraw = now;
    if (!textDisplay) textDisplay = tslab.newDisplay();
    textDisplay.text(progressText());
    // The chart appears with the first run finished here (a fully resumed study shows none).
    if (finished.length === 0) return;
    if (!chartDisplay) chartDisplay = tslab.newDisplay();
    chartDisplay.raw(PLOTLY_MIME, plotlyBundle(figure()) as unknown as string);
  }

  return {
    onProgress(progress: StudyProgress): void {
      last = progress;
      const record = progress.finished;
      if (record && record.config.kind === 'train') {
        const metrics = record.metrics as { testAccuracy?: number | null };
        finished.push({
          index: finished.length + 1,
          norm: String(record.config.norm),
          arch: String(record.config.arch),
          accuracy:
            typeof metrics.testAccuracy === 'number' && Number.isFinite(metrics.testAccuracy)
              ? metrics.testAccuracy
              : null,
        });
      }
      if (!tslab && record && progress.done % logEvery === 0) console.log(progressText());
      draw(record !== undefined);
    },
    done(message?: string): void {
      closing = message ?? '';
      draw(true);
      if (!tslab && message) console.log(message);
    },
    figure,
    progressText,
  };
}
