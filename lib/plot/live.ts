/**
 * A live training display: a progress line and a loss/accuracy chart that update in place while
 * a model trains, fed by the trainer's `onStep`/`onEval`/`onEpoch` callbacks.
 *
 * In a tslab notebook it uses two `newDisplay()` entries (text and a Plotly chart) that are
 * overwritten, throttled, so a long cell shows one moving chart instead of a wall of log lines;
 * the final state stays in the saved notebook. Elsewhere it prints one line per epoch.
 *
 * @module
 */
import type { EpochRecord, EvalRecord, StepRecord, TrainCallbacks } from '../train/types';
import { seriesColorOf } from './curves';
import { PLOTLY_MIME, plotlyBundle, type TslabDisplay, tslabModule } from './display';
import { normKindLabel, themedAxis, themedLayout, withAlpha } from './theme';
import type { Figure, PlotTrace } from './types';
import { formatPlotNumber, strideSample } from './values';

/** Options of {@link liveTraining}. */
export interface LiveTrainingOptions {
  /** Chart title. Default `Training`. */
  title?: string;
  /** Planned steps per run, for the progress text (`step 120/860`). Default: unknown. */
  totalSteps?: number;
  /** Least milliseconds between two redraws of the chart (epochs and `done` always redraw). Default 500. */
  throttleMs?: number;
  /** Points kept per curve when drawing (even-stride sample). Default 600. */
  maxPoints?: number;
  /** Outside notebooks, print a line per epoch. Default true. */
  log?: boolean;
}

/** Callbacks for one run, compatible with the trainer's `TrainCallbacks`. */
export interface LiveRunCallbacks extends TrainCallbacks {
  onStep: (record: StepRecord) => void;
  onEval: (record: EvalRecord) => void;
  onEpoch: (record: EpochRecord) => void;
}

/** The live display: callbacks for a single run, `run()` for several runs on one chart, `done()`. */
export interface LiveTraining extends LiveRunCallbacks {
  /**
   * Start a new run drawn on the same chart (its own colour; a norm kind picks the kind's
   * colour) and return its callbacks. `legend` names the run's legend entry (default: its name);
   * runs that share a `legend` (the seeds of one setting) share one entry, so the legend stays
   * short enough for a phone.
   */
  run(
    name: string,
    options?: { kind?: string; color?: string; totalSteps?: number; legend?: string },
  ): LiveRunCallbacks;
  /** Final redraw, with an optional closing line (e.g. the test accuracy). */
  done(message?: string): void;
  /** The chart as it stands. */
  figure(): Figure;
  /** The progress text as it stands. */
  progressText(): string;
}

interface RunState {
  name: string;
  legend: string;
  kind?: string;
  color?: string;
  totalSteps?: number;
  steps: number[];
  losses: number[];
  trainAcc: number[];
  evalSteps: number[];
  evalAcc: number[];
  last?: StepRecord;
  lastEval?: EvalRecord;
  epochs: number;
  seconds: number;
}

function trimmed(xs: number[], ys: number[], max: number): { x: number[]; y: number[] } {
  if (xs.length <= max) return { x: xs, y: ys };
  const idx = strideSample(
    xs.map((_, i) => i),
    max,
  );
  if (idx[idx.length - 1] !== xs.length - 1) idx.push(xs.length - 1);
  return { x: idx.map((i) => xs[i]), y: idx.map((i) => ys[i]) };
}

/**
 * A live display for training runs. Pass it (or `live.run(name)`) as the trainer's callbacks.
 *
 * @example
 * ```ts
 * const live = liveTraining({ title: 'MLP with batch norm', totalSteps: 860 });
 * const result = await train(model, data, config, live);
 * live.done(`test accuracy ${result.final.test?.accuracy.toFixed(3)}`);
 * ```
 */
export function liveTraining(options: LiveTrainingOptions = {}): LiveTraining {
  const runs: RunState[] = [];
  const throttle = options.throttleMs ?? 500;
  const maxPoints = options.maxPoints ?? 600;
  const tslab = tslabModule();
  let textDisplay: TslabDisplay | null = null;
  let chartDisplay: TslabDisplay | null = null;
  let lastDraw = 0;
  let closing = '';

  const current = (): RunState => {
    if (runs.length === 0) runs.push(newRun('training', {}));
    return runs[runs.length - 1];
  };

  function newRun(
    name: string,
    o: { kind?: string; color?: string; totalSteps?: number; legend?: string },
  ): RunState {
    return {
      name,
      legend: o.legend ?? name,
      kind: o.kind,
      color: o.color,
      totalSteps: o.totalSteps ?? options.totalSteps,
      steps: [],
      losses: [],
      trainAcc: [],
      evalSteps: [],
      evalAcc: [],
      epochs: 0,
      seconds: 0,
    };
  }

  function progressText(): string {
    const lines = runs.map((r) => {
      const parts = [r.name];
      if (r.last) {
        parts.push(`epoch ${r.last.epoch}`);
        parts.push(`step ${r.last.step}${r.totalSteps ? `/${r.totalSteps}` : ''}`);
        parts.push(`loss ${formatPlotNumber(r.last.loss)}`);
        parts.push(`batch acc ${r.last.accuracy.toFixed(3)}`);
      } else {
        parts.push('starting');
      }
      if (r.lastEval) parts.push(`val acc ${r.lastEval.validation.accuracy.toFixed(3)}`);
      if (r.seconds > 0) parts.push(`${r.seconds.toFixed(1)} s training`);
      return parts.join(' · ');
    });
    if (closing) lines.push(closing);
    return lines.join('\n');
  }

  function figure(): Figure {
    const data: PlotTrace[] = [];
    // One legend entry per legend label (the first run that carries it): a run's three curves
    // share its colour, and the axis titles say which curve is which.
    const labelled = new Set<string>();
    runs.forEach((r, i) => {
      const showlegend = !labelled.has(r.legend);
      labelled.add(r.legend);
      const color = seriesColorOf({ color: r.color, kind: r.kind }, i);
      const loss = trimmed(r.steps, r.losses, maxPoints);
      const acc = trimmed(r.steps, r.trainAcc, maxPoints);
      data.push({
        type: 'scatter',
        name: r.legend,
        x: loss.x,
        y: loss.y,
        mode: 'lines',
        line: { color, width: 1.5 },
        legendgroup: r.legend,
        showlegend,
        hovertemplate: `${r.name} loss: %{y}<extra></extra>`,
      });
      data.push({
        type: 'scatter',
        name: `${r.name} batch accuracy`,
        x: acc.x,
        y: acc.y,
        mode: 'lines',
        line: { color: withAlpha(color, 0.45), width: 1 },
        xaxis: 'x2',
        yaxis: 'y2',
        legendgroup: r.legend,
        showlegend: false,
      });
      data.push({
        type: 'scatter',
        name: `${r.name} validation accuracy`,
        x: r.evalSteps,
        y: r.evalAcc,
        mode: 'lines+markers',
        line: { color, width: 2 },
        marker: { color, size: 7 },
        xaxis: 'x2',
        yaxis: 'y2',
        legendgroup: r.legend,
        showlegend: false,
      });
    });
    const layout = themedLayout(options.title ?? 'Training', {
      height: 480,
      xaxis: themedAxis(undefined, { domain: [0, 1], anchor: 'y', showticklabels: false }),
      yaxis: themedAxis('loss', { domain: [0.55, 1] }),
    });
    layout.xaxis2 = themedAxis('step', { anchor: 'y2', matches: 'x' });
    layout.yaxis2 = themedAxis('accuracy (thin: batch, dots: validation)', {
      domain: [0, 0.45],
      anchor: 'x2',
    });
    return { data, layout };
  }

  function draw(force: boolean): void {
    if (!tslab) return;
    const now = Date.now();
    if (!force && now - lastDraw < throttle) return;
    lastDraw = now;
    if (!textDisplay) textDisplay = tslab.newDisplay();
    if (!chartDisplay) chartDisplay = tslab.newDisplay();
    textDisplay.text(progressText());
    chartDisplay.raw(PLOTLY_MIME, plotlyBundle(figure()) as unknown as string);
  }

  function callbacksFor(getRun: () => RunState): LiveRunCallbacks {
    return {
      onStep(record: StepRecord): void {
        const r = getRun();
        r.steps.push(record.step);
        r.losses.push(Number.isFinite(record.loss) ? record.loss : Number.NaN);
        r.trainAcc.push(record.accuracy);
        r.last = record;
        draw(false);
      },
      onEval(record: EvalRecord): void {
        const r = getRun();
        r.evalSteps.push(record.step);
        r.evalAcc.push(record.validation.accuracy);
        r.lastEval = record;
        r.seconds = record.trainSeconds;
        draw(false);
      },
      onEpoch(record: EpochRecord): void {
        const r = getRun();
        r.epochs = record.epoch;
        r.seconds += 0;
        if (!tslab && options.log !== false) {
          const val = record.validation ? ` · val acc ${record.validation.accuracy.toFixed(3)}` : '';
          console.log(
            `${r.name} · epoch ${record.epoch} · step ${record.step} · train loss ${formatPlotNumber(record.trainLoss)}${val} · ${record.seconds.toFixed(1)} s`,
          );
        }
        draw(true);
      },
    };
  }

  const single = callbacksFor(current);
  draw(true);
  return {
    ...single,
    run(name, o = {}) {
      const state = newRun(o.kind && name === '' ? normKindLabel(o.kind) : name, o);
      runs.push(state);
      draw(true);
      return callbacksFor(() => state);
    },
    done(message?: string) {
      closing = message ?? '';
      draw(true);
      if (!tslab && message && options.log !== false) console.log(message);
    },
    figure,
    progressText,
  };
}
