/**
 * Reading results files of format version 1 (the study's first method, e.g. results/legacy-v1/
 * and results/mechanism/): their run records lack what version 2 records (model sizes, schedule,
 * split seed, collapse check, population statistics, the validation curve), so loading fills those
 * with what version 1 did implicitly (the model zoo's sizes, a constant rate, split seed 0, no
 * collapse check) and marks nothing as checked against today's plan. Such files are read, never
 * resumed or appended to.
 *
 * @module
 */
import { ARCH_DEFAULTS } from '../../models/build';
import type { Architecture } from '../../models/types';
import type { RunRecord } from '../spec/records';

type Loose = Record<string, unknown>;

/**
 * A version-1 run record in the shape of version 2: config and metrics fields that version 1 did
 * not record get the values version 1 used (documented in the module comment); the id and every
 * recorded value are kept as they are.
 */
export function upgradeV1Record(value: Loose): RunRecord {
  const config = { ...(value.config as Loose) };
  const arch = config.arch as Architecture;
  const groups = (config.groups as number | undefined) ?? 4;
  delete config.groups;
  config.model = {
    width: ARCH_DEFAULTS[arch]?.width ?? 0,
    depth: ARCH_DEFAULTS[arch]?.depth ?? 0,
    groups,
    bnMomentum: 0.9,
    normEpsilon: 1e-5,
  };
  config.dataset = { splitSeed: 0, ...(config.dataset as Loose) };
  if (config.kind === 'train') {
    config.schedule = { name: 'constant', warmupFraction: 0 };
    config.populationStats = false;
  }
  const metrics = { ...(value.metrics as Loose) };
  if (config.kind === 'train') {
    metrics.collapsed ??= false;
    metrics.chanceAccuracy ??= 0.1;
    metrics.largestClassShare ??= null;
    metrics.testAccuracyPopulationStats ??= null;
    metrics.valCurve ??= [];
  }
  return { ...(value as object), config, metrics } as unknown as RunRecord;
}
