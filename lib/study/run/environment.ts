/**
 * The environment a run ran in (Node I/O: `os`, and `git` for the commit): backend and versions,
 * CPU, host, commit, load averages and thread settings. Recorded in every run record.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpus, hostname, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { backendInfo } from '../../backend';
import type { RunEnvironment } from '../spec/records';

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  } catch {
    return undefined;
  }
}

/**
 * What counts towards `dirty`: the whole tree but `results/`, where studies write their own output
 * (a study writing into a committed results folder would otherwise mark its own runs dirty).
 */
export const SOURCE_PATHSPEC = ['.', ':(exclude)results'] as const;

let cached: RunEnvironment | undefined;

/** The 1-, 5- and 15-minute load averages, rounded to 0.01. */
export function loadAverage(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}

/** Environment variables that size TensorFlow's and OpenMP's thread pools (`default` when unset). */
export const THREAD_VARIABLES = [
  'TF_NUM_INTRAOP_THREADS',
  'TF_NUM_INTEROP_THREADS',
  'OMP_NUM_THREADS',
] as const;

/** The thread settings a run ran with, by variable name. */
export function threadSettings(): Record<string, string> {
  return Object.fromEntries(THREAD_VARIABLES.map((v) => [v, process.env[v] ?? 'default']));
}

/**
 * Describe the current environment (computed once per process, except the backend, which is
 * read each time).
 *
 * @param projectDir - where to ask git for the commit; default the repository holding lib/.
 */
export function runEnvironment(projectDir: string = join(__dirname, '..', '..')): RunEnvironment {
  const b = backendInfo();
  const backend = b.backend ?? 'uninitialized';
  if (!cached) {
    const cpuList = cpus();
    const commit = git(['rev-parse', 'HEAD'], projectDir);
    const status = commit
      ? git(['status', '--porcelain', '--untracked-files=no', '--', ...SOURCE_PATHSPEC], projectDir)
      : undefined;
    cached = {
      backend,
      tfjsVersion: b.tfjsVersion,
      nodeVersion: process.versions.node,
      cpu: cpuList[0]?.model?.trim() || 'unknown',
      cpuCount: cpuList.length,
      platform: `${platform()} ${release()}`,
      hostname: hostname(),
      ...(commit ? { commit } : {}),
      ...(status !== undefined ? { dirty: status.length > 0 } : {}),
    };
  }
  const env: RunEnvironment = {
    ...cached,
    backend,
    tfjsVersion: b.tfjsVersion,
    loadAverageEnd: loadAverage(),
    threads: threadSettings(),
  };
  if (b.tensorflowVersion) env.tensorflowVersion = b.tensorflowVersion;
  return env;
}
