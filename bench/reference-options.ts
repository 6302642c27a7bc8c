/**
 * The command-line options every bench that times PyTorch shares: which of the reference's
 * settings to time (OpenMP wait policy, thread count, memory layout) and its time limit, so that
 * each bench compares with the reference at its best over the same settings.
 *
 * @module
 */
import type { Command } from 'commander';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { WAIT_POLICIES, type WaitPolicy } from './reference-python';

/** PyTorch's memory layouts for convolutions: NHWC (`channels_last`) and NCHW (`contiguous`). */
export const LAYOUTS = ['channels_last', 'contiguous'] as const;
/** One of {@link LAYOUTS}. */
export type Layout = (typeof LAYOUTS)[number];

/** The parsed reference options. */
export interface ReferenceOptions {
  /** OpenMP wait policies to time. */
  torchWait: WaitPolicy[];
  /** Thread counts to time. */
  torchThreads: number[];
  /** Memory layouts to time (convolutions only). */
  torchLayouts: Layout[];
  /** Seconds one PyTorch process may take once one has finished. */
  torchTimeout: number;
}

/** A comma-separated list of whole numbers ≥ 1 (thread counts). */
export function wholeNumbers(text: string): number[] {
  return text.split(',').map((item) => wholeNumber(1)(item.trim()));
}

/**
 * Add `--torch-wait`, `--torch-threads`, `--torch-layouts` and `--torch-timeout` to a command,
 * each defaulting to every setting (both wait policies, 2 and 1 threads, both layouts).
 *
 * @param layoutsOf what the layouts apply to, for the help text ("conv", "CNN").
 */
export function withReferenceOptions(command: Command, layoutsOf: string): Command {
  return command
    .option('--torch-wait <list>', "PyTorch's OpenMP wait policies", someOf(WAIT_POLICIES), [
      ...WAIT_POLICIES,
    ])
    .option('--torch-threads <list>', "PyTorch's thread counts", wholeNumbers, [2, 1])
    .option('--torch-layouts <list>', `PyTorch's ${layoutsOf} memory layouts`, someOf(LAYOUTS), [...LAYOUTS])
    .option(
      '--torch-timeout <s>',
      'time limit of one PyTorch process once one has finished (also at most 4× the fastest so far)',
      wholeNumber(1),
      300,
    );
}
