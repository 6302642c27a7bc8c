/**
 * The tuning pilot: does the full study's tuning proxy (5,000 images, 3 epochs), on which the VGG's
 * and the ResNet's whole grid is tuned (before a local grid around its pick at their evaluation
 * budget), pick the rate that tuning at the evaluation budget picks? The full
 * profile tunes the MLP's headline kinds at their evaluation budget (50,000 images, 10 epochs);
 * this pilot tunes the same kinds on the proxy, with the same tuning seeds and grid, and compares
 * each kind's pick, and what the proxy's pick is worth at the evaluation budget.
 *
 *   node --import tsx scripts/tuning-pilot.ts spec      # write results/tuning-pilot/spec.json
 *   node --import tsx scripts/study.ts --spec results/tuning-pilot/spec.json \
 *     --out results/tuning-pilot --only-experiments tuning
 *   node --import tsx scripts/tuning-pilot.ts compare   # the table, from both results files
 *
 * `--proxy <images>x<epochs>` (e.g. `12500x4`) tries another proxy budget instead of the full
 * profile's: `spec --proxy 12500x4` writes results/tuning-pilot/proxy-12500x4/spec.json, the study
 * runs with `--out results/tuning-pilot/proxy-12500x4`, and `compare --proxy 12500x4` reads it.
 *
 * Only the MLP: tuning the VGG and the ResNet over the whole grid at their evaluation budgets costs
 * hours of CPU per kind on 2 cores, which is the reason the proxy exists.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { TunedProfile } from '../lib/study/spec/plan';
import { tunedProfiles } from '../lib/study/spec/plan';
import { FULL_PROFILE } from '../lib/study/spec/profiles';
import { type StudySpecInput, validateSpec } from '../lib/study/spec/schema';
import { loadResults } from '../lib/study/store/results';
import { loadStudyFiles } from './study-files';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'results', 'tuning-pilot');
const FULL = join(ROOT, 'results', 'full', 'results.jsonl');

/** A proxy budget other than the full profile's: training images and epochs. */
export interface ProxyBudget {
  trainSize: number;
  epochs: number;
}

/** Parse `--proxy <images>x<epochs>`. */
export function parseProxy(text: string): ProxyBudget {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  const trainSize = Number(m?.[1]);
  const epochs = Number(m?.[2]);
  if (!m || trainSize < 1 || epochs < 1)
    throw new InvalidArgumentError('It takes <images>x<epochs>, both whole numbers >= 1 (e.g. 12500x4).');
  return { trainSize, epochs };
}

/** Where a pilot's spec and results go: results/tuning-pilot, or a folder per other proxy. */
export function pilotDir(proxy?: ProxyBudget): string {
  return proxy ? join(OUT, `proxy-${proxy.trainSize}x${proxy.epochs}`) : OUT;
}

/**
 * The pilot's spec: the full profile's headline MLP experiment, tuned on the full profile's proxy,
 * or on `proxy` when given.
 */
export function pilotSpec(proxy?: ProxyBudget): StudySpecInput {
  const headline = FULL_PROFILE.experiments.find((e) => e.name === 'headline-mlp');
  if (!headline) throw new Error("the full profile has no 'headline-mlp' experiment");
  const { tuneWith: _atEvaluation, ...onProxy } = headline;
  const tuning = FULL_PROFILE.tuning && proxy ? { ...FULL_PROFILE.tuning, ...proxy } : FULL_PROFILE.tuning;
  return {
    ...FULL_PROFILE,
    ...(tuning ? { tuning } : {}),
    name: proxy ? `tuning-pilot-mlp-${proxy.trainSize}x${proxy.epochs}` : 'tuning-pilot-mlp',
    description:
      "The full profile's headline MLP kinds tuned on the full profile's proxy (5000 images, 3 epochs), tuning seeds and grid, to compare with their tuning at the evaluation budget in the full study.",
    experiments: [onProxy],
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One row per MLP kind: the proxy's pick, the evaluation budget's pick, and what each is worth. */
export function compareRows(proxy: readonly TunedProfile[], pilot: readonly TunedProfile[]): string[] {
  const rows = [
    '| kind | proxy pick | evaluation-budget pick | same | accuracy of the proxy pick at the evaluation budget | best accuracy there |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of pilot) {
    const q = proxy.find((t) => t.arch === p.arch && t.norm === p.norm && t.batchSize === p.batchSize);
    if (!q || q.bestRate === null || p.bestRate === null) continue;
    const atProxyPick = p.rates.find((r) => r.learningRate === q.bestRate);
    const best = p.rates.find((r) => r.learningRate === p.bestRate)!;
    rows.push(
      `| ${p.norm} | ${q.bestRate} | ${p.bestRate} | ${q.bestRate === p.bestRate ? 'yes' : 'no'} | ${
        atProxyPick ? pct(atProxyPick.meanAccuracy) : 'not on the grid'
      } | ${pct(best.meanAccuracy)} |`,
    );
  }
  return rows;
}

const program = new Command().name('tuning-pilot').showHelpAfterError();
const PROXY_HELP = "another proxy budget than the full profile's, <images>x<epochs> (e.g. 12500x4)";
program
  .command('spec')
  .description("write results/tuning-pilot/spec.json (or the --proxy folder's)")
  .option('--proxy <budget>', PROXY_HELP, parseProxy)
  .action((options: { proxy?: ProxyBudget }) => {
    const dir = pilotDir(options.proxy);
    const spec = pilotSpec(options.proxy);
    validateSpec(spec, 'tuning pilot');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
    console.log(`wrote ${join(relative(ROOT, dir), 'spec.json')}`);
  });
program
  .command('compare')
  .description("compare the proxy's picks (the pilot) with the evaluation budget's (the full study)")
  .option(
    '--full <files...>',
    "the full study's results: its results.jsonl, or its shard files while it runs",
    [FULL],
  )
  .option('--proxy <budget>', PROXY_HELP, parseProxy)
  .action((options: { full: string[]; proxy?: ProxyBudget }) => {
    const pilotFile = join(pilotDir(options.proxy), 'results.jsonl');
    for (const f of [...options.full, pilotFile]) if (!existsSync(f)) throw new Error(`${f} does not exist`);
    const { spec, runs } = loadStudyFiles(options.full, '--full');
    const pilot = loadResults(pilotFile);
    const proxy = tunedProfiles(pilot.header.spec, pilot.runs);
    const evaluation = spec.experiments.find((e) => e.name === 'headline-mlp');
    const atBudget = tunedProfiles(spec, runs).filter(
      (t) => t.arch === 'mlp' && t.trainSize === (evaluation?.trainSize ?? spec.dataset.trainSize),
    );
    if (atBudget.length === 0)
      throw new Error("the full study's MLP tuning at the evaluation budget is not finished yet");
    console.log(compareRows(proxy, atBudget).join('\n'));
  });
if (require.main === module) program.parse();
