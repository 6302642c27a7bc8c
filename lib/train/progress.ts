/**
 * A terminal progress bar for training ({@link ProgressReporter}), drawn by `cli-progress`.
 *
 * @module
 */
import { Presets, SingleBar } from 'cli-progress';
import type { ProgressReporter } from './types';

/** Options of `createProgressBar`. */
export interface ProgressBarOptions {
  /** Text before the bar, e.g. the run's name. Default `train`. */
  label?: string;
  /** Where to draw. Default `process.stderr`. */
  stream?: NodeJS.WritableStream;
  /** Also draw when the stream is not a terminal (one line per update, for logs). Default false. */
  noTTYOutput?: boolean;
}

/**
 * A terminal progress bar: steps done of planned, ETA, latest loss and accuracy.
 *
 * @example
 * ```ts
 * await train(model, data, config, { reporter: createProgressBar({ label: 'vgg/batch' }) });
 * ```
 */
export function createProgressBar(options: ProgressBarOptions = {}): ProgressReporter {
  const label = options.label ?? 'train';
  const bar = new SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} steps | epoch {epoch} | loss {loss} | acc {acc} | ETA {eta_formatted}`,
      stream: options.stream ?? process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      noTTYOutput: options.noTTYOutput ?? false,
      notTTYSchedule: 0,
    },
    Presets.shades_classic,
  );
  return {
    start(totalSteps: number): void {
      bar.start(totalSteps, 0, { epoch: 1, loss: '-', acc: '-' });
    },
    update(step, info): void {
      bar.update(step, { epoch: info.epoch, loss: info.loss.toFixed(4), acc: info.accuracy.toFixed(3) });
    },
    stop(): void {
      bar.stop();
    },
  };
}
