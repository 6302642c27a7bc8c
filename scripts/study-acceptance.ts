/**
 * The checks a study's results must pass before they are published, read from the results (or,
 * while a sharded study runs, from its shard files): every planned run is there; one clean commit
 * made them, and the code that makes runs ({@link RUN_CODE}) has not changed since; no tuned rate
 * sits at its grid's edge; the
 * no-norm control of the batch-size sweep moves less than a point; the mechanism runs train at
 * least 1,000 steps; the no-norm baselines of the headline runs reach a plateau; the best kind of
 * each architecture reaches its accuracy floor. One line per check, `ok` or `FAIL`, with the
 * numbers; exit status 1 when a check fails.
 *
 *   node --import tsx scripts/study-acceptance.ts [results.jsonl | shard files...]
 *
 * (default results/full/results.jsonl)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { trainRecords } from '../lib/study/claims/aggregate';
import { floorNotes, type PlateauGain, plateauGains, plateauNote } from '../lib/study/claims/scorecard';
import {
  expandSpec,
  sameTuningTarget,
  tunedProfiles,
  tuningGrid,
  tuningTargets,
} from '../lib/study/spec/plan';
import type { RunRecord } from '../lib/study/spec/records';
import type { StudySpec } from '../lib/study/spec/schema';
import { accuracyOrChance } from '../lib/study/spec/tuning';
import { loadStudyFiles } from './study-files';

const ROOT = join(__dirname, '..');

/** One check's outcome. */
export interface Check {
  /** What is checked, e.g. `no tuned rate at an edge`. */
  name: string;
  /** Whether the results pass it. */
  ok: boolean;
  /** The numbers behind the outcome, in one line. */
  detail: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;

/** Every planned run is in the results, and nothing waits for a tuned rate. */
function complete(spec: StudySpec, runs: readonly RunRecord[]): Check {
  const plan = expandSpec(spec, runs);
  const done = new Set(runs.map((r) => r.id));
  const missing = plan.runs.filter((r) => !done.has(r.id)).length + plan.pending.length;
  return {
    name: 'complete',
    ok: missing === 0,
    detail: `${runs.length} runs; ${missing === 0 ? 'no planned run' : missing === 1 ? '1 planned run' : `${missing} planned runs`} missing`,
  };
}

/**
 * The code that makes a study's runs, as git pathspecs: the library and the compiled kernels, but
 * not the rooms that only read finished runs (the claims' rules and sentences, the report, the
 * figures). Verdicts are computed from the records by the current code, so those may change after
 * a run without touching what it recorded; anything else that changes calls for a new run.
 */
export const RUN_CODE = [
  'lib',
  'native',
  ':(exclude)lib/study/claims',
  ':(exclude)lib/report',
  ':(exclude)lib/plot',
];

/** The files of {@link RUN_CODE} that differ between two revisions of the repository at `cwd`. */
export function runCodeChanges(from: string, to: string, cwd = ROOT): string[] {
  const diff = execFileSync('git', ['diff', '--name-only', from, to, '--', ...RUN_CODE], {
    cwd,
    encoding: 'utf8',
  }).trim();
  return diff ? diff.split('\n') : [];
}

/** One commit, clean, and (when `head` is given) the code that makes runs unchanged from it to `head`. */
function provenance(runs: readonly RunRecord[], head?: string): Check {
  const commits = [...new Set(runs.map((r) => r.env.commit ?? 'unknown'))];
  const dirty = runs.filter((r) => r.env.dirty !== false).length;
  let codeChanged = '';
  if (head && commits.length === 1 && commits[0] !== 'unknown') {
    try {
      const changed = runCodeChanges(commits[0], head);
      codeChanged = changed.length ? `the code that makes runs changed since: ${changed.join(', ')}` : '';
    } catch {
      codeChanged = `git cannot compare ${commits[0].slice(0, 12)} with ${head}`;
    }
  }
  return {
    name: 'provenance',
    ok: commits.length === 1 && dirty === 0 && !codeChanged,
    detail: `commits ${commits.map((c) => c.slice(0, 12)).join(', ')}; ${dirty} runs from a dirty tree${
      codeChanged
        ? `; ${codeChanged}`
        : head
          ? '; the code that makes runs (lib/ but its claims, report and plot rooms; native/) unchanged since'
          : ''
    }`,
  };
}

/** No finished tuning target's best rate at an edge of its final grid. */
function edges(spec: StudySpec, runs: readonly RunRecord[]): Check {
  const profiles = tunedProfiles(spec, runs);
  const atEdge: string[] = [];
  for (const target of tuningTargets(spec)) {
    // A local grid (two-stage tuning) is a target of its own: its edges are checked like any.
    const p = profiles.find((t) => sameTuningTarget(t, target));
    if (!p || p.bestRate === null) continue;
    const grid = tuningGrid(spec, target, runs);
    if (p.bestRate === grid[0] || p.bestRate === grid[grid.length - 1])
      atEdge.push(
        `${target.arch}/${target.norm} b${target.batchSize} ${target.trainSize}×${target.epochs}${target.near ? ' (local grid)' : ''}: ${p.bestRate} of ${grid[0]}–${grid[grid.length - 1]}`,
      );
  }
  return {
    name: 'no tuned rate at an edge',
    ok: atEdge.length === 0,
    detail: `${profiles.length} of ${tuningTargets(spec).length} targets tuned${atEdge.length ? `; at an edge: ${atEdge.join('; ')}` : ''}`,
  };
}

/** The no-norm control of every batch-size experiment moves less than a point across its sizes. */
function control(spec: StudySpec, runs: readonly RunRecord[]): Check[] {
  return spec.experiments
    .filter((e) => e.claims.includes(8))
    .flatMap((e) =>
      [...new Set(trainRecords(runs, e.name).map((r) => r.config.arch))].map((arch) => {
        const none = trainRecords(runs, e.name).filter(
          (r) => r.config.arch === arch && r.config.norm === 'none',
        );
        const sizes = [...new Set(none.map((r) => r.config.batchSize))].sort((a, b) => a - b);
        const means = sizes.map((b) => {
          const v = none.filter((r) => r.config.batchSize === b).map((r) => accuracyOrChance(r.metrics));
          return v.reduce((s, x) => s + x, 0) / v.length;
        });
        const spread = means.length ? Math.max(...means) - Math.min(...means) : Number.NaN;
        return {
          name: `${e.name} control (${arch}/none across batch sizes)`,
          ok: spread < 0.01,
          detail: `${sizes.map((b, i) => `${pct(means[i])}% at ${b}`).join(', ') || 'no runs'}; spread ${pct(spread)} points (< 1)`,
        };
      }),
    );
}

/** The mechanism runs train at least `min` steps each. */
function mechanismSteps(spec: StudySpec, runs: readonly RunRecord[], min = 1000): Check[] {
  const names = spec.experiments.filter((e) => e.claims.includes(9)).map((e) => e.name);
  if (names.length === 0) return [];
  const steps = trainRecords(runs, names).map((r) => r.metrics.steps);
  const fewest = steps.length ? Math.min(...steps) : 0;
  return [
    {
      name: `mechanism runs ≥ ${min} steps`,
      ok: steps.length > 0 && fewest >= min,
      detail: `${steps.length} runs, the fewest steps ${fewest}`,
    },
  ];
}

/** A no-norm baseline's plateau gain as a check, with the scorecard's sentence as its detail. */
export function plateauCheck(gain: PlateauGain): Check {
  return { name: 'plateau', ok: gain.atPlateau, detail: plateauNote(gain) };
}

/** The headline no-norm baselines level off, and each architecture's best kind reaches its floor. */
function plateauAndFloors(spec: StudySpec, runs: readonly RunRecord[]): Check[] {
  const headline = spec.experiments.filter((e) => e.claims.includes(1)).map((e) => e.name);
  const records = trainRecords(runs, headline);
  const floors = floorNotes(records);
  return [
    ...plateauGains(records)
      .filter((g) => g.baseline)
      .map(plateauCheck),
    ...floors.map((n) => ({ name: 'accuracy floor', ok: !/not met/.test(n), detail: n })),
  ];
}

/** Every check on a set of results. */
export function acceptanceChecks(spec: StudySpec, runs: readonly RunRecord[], head?: string): Check[] {
  return [
    complete(spec, runs),
    provenance(runs, head),
    edges(spec, runs),
    ...control(spec, runs),
    ...mechanismSteps(spec, runs),
    ...plateauAndFloors(spec, runs),
  ];
}

if (require.main === module) {
  const program = new Command()
    .name('study-acceptance')
    .argument('[files...]', 'a results file, or the shard files of one study', [
      join(ROOT, 'results', 'full', 'results.jsonl'),
    ])
    .option('--head <rev>', 'the revision at which the code that makes runs must be unchanged', 'HEAD')
    .showHelpAfterError()
    .parse();
  const { spec, runs } = loadStudyFiles(program.processedArgs[0] as string[], 'study-acceptance');
  const checks = acceptanceChecks(spec, runs, program.opts<{ head: string }>().head);
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}
