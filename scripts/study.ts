/**
 * The study CLI (`npm start` runs it after setup; directly: `node --import tsx scripts/study.ts`).
 *
 * Runs a study profile (or a spec file) with a progress bar, resumes an interrupted run, runs one
 * shard, merges shard files, prints the per-claim summary and writes the results (JSONL) and a
 * self-contained HTML report. `--help` lists the options.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import { writeStudyReport } from '../lib/report/html-report';
import { type ClaimResult, scorecard } from '../lib/study/claims/scorecard';
import { formatScorecard } from '../lib/study/claims/summary';
import { trainingExecutor } from '../lib/study/run/execute';
import { ownProcessExecutor } from '../lib/study/run/own-process';
import {
  checkExperimentFilter,
  resultsFileName,
  runStudy,
  type StudyProgress,
} from '../lib/study/run/runner';
import { loadSpecFile } from '../lib/study/spec/file';
import { expandSpec } from '../lib/study/spec/plan';
import { DEFAULT_PROFILE, PROFILE_NAMES, profileSpec } from '../lib/study/spec/profiles';
import { describeRun } from '../lib/study/spec/run-config';
import type { StudySpec } from '../lib/study/spec/schema';
import { parseShard } from '../lib/study/spec/shard';
import { describeStaleLock } from '../lib/study/store/lock';
import { mergeResults } from '../lib/study/store/merge';
import { repairResults } from '../lib/study/store/repair';
import { loadResults, quarantinePath } from '../lib/study/store/results';
import { checkOutDir, fsReason, handleInterrupts, isNotWritable, studyCommand } from './study-guards';

interface CliOptions {
  profile: string;
  spec?: string;
  out?: string;
  shard?: string;
  merge?: string[];
  reportOnly?: boolean;
  dataDir?: string;
  download: boolean;
  maxRuns?: string;
  details?: boolean;
  wait?: boolean;
  repair?: boolean;
  onlyExperiments?: string[];
  skipExperiments?: string[];
}

/** Lines that failed the store's checks, one per line of output (at most 10). */
function describeRejected(lines: readonly { line: number; reason: string }[]): string {
  const shown = lines.slice(0, 10).map((l) => `  line ${l.line}: ${l.reason}`);
  if (lines.length > 10) shown.push(`  ... and ${lines.length - 10} more`);
  return shown.join('\n');
}

const fmtTime = (s: number | null): string => {
  if (s === null || !Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
};

const runLabel = describeRun;

/** Progress display: a cli-progress bar on a terminal, one line per finished run otherwise. */
function progressDisplay(): { update: (p: StudyProgress) => void; stop: () => void } {
  const tty = Boolean(process.stderr.isTTY);
  const bar = tty
    ? new SingleBar(
        {
          format: 'study |{bar}| {value}/{total} runs | {current} | elapsed {elapsed} | ETA {eta}',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastDraw = 0;
  return {
    update(p) {
      const payload = {
        current: p.current ? runLabel(p.current.config) : p.finished ? 'done' : '-',
        elapsed: fmtTime(p.elapsedSeconds),
        eta: fmtTime(p.etaSeconds),
      };
      if (bar) {
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        }
        const now = Date.now();
        if (p.finished || now - lastDraw > 250) {
          bar.update(p.done, payload);
          lastDraw = now;
        }
      } else if (p.finished) {
        process.stderr.write(
          `[${p.done}/${p.total}] ${runLabel(p.finished.config)} (${p.finished.wallSeconds.toFixed(1)} s) elapsed ${payload.elapsed} ETA ${payload.eta}\n`,
        );
      } else if (!started) {
        started = true;
        process.stderr.write(`study: ${p.total} runs, ${p.resumed} already done\n`);
      }
    },
    stop() {
      if (started) bar?.stop();
    },
  };
}

/** Which invocation the report is written for: a study that ran, or --report-only. */
interface ReportContext {
  /** Only report (then a folder that cannot be written to still gets the summary). */
  reportOnly: boolean;
  /** Print per-group numbers. */
  details: boolean;
}

/** The committed full study's scorecard, to compare with, unless that is the file being reported. */
function committedFullScorecard(resultsPath: string): { card: ClaimResult[]; label: string } | undefined {
  const full = join(__dirname, '..', 'results', 'full', 'results.jsonl');
  if (!existsSync(full) || resolve(resultsPath) === resolve(full)) return undefined;
  const committed = loadResults(full);
  return { card: scorecard(committed.header.spec, committed.runs), label: 'committed full study' };
}

function report(
  spec: StudySpec,
  resultsPath: string,
  outDir: string,
  extra: Record<string, string>,
  context: ReportContext,
): void {
  const loaded = loadResults(resultsPath);
  if (loaded.rejected.length > 0)
    console.log(
      `${loaded.rejected.length} line(s) of ${resultsPath} failed the checks and are not counted ` +
        `(resuming the study, or --repair, moves them to ${quarantinePath(resultsPath)}):\n${describeRejected(loaded.rejected)}`,
    );
  if (loaded.tornTail)
    console.log(
      `the last line of ${resultsPath} is torn (a write that was cut off) and is not counted; ` +
        'resuming the study saves it aside and trains that run again',
    );
  const plan = expandSpec(spec, loaded.runs);
  const card = scorecard(spec, loaded.runs);
  const planned = plan.runs.length + plan.pending.length;
  // A small-budget study is indicative; beside each verdict, the committed full study's.
  const indicative = spec.name === 'quick' || spec.name === 'smoke';
  // The default profile's verdicts are set beside the committed full study's (agrees / differs).
  const reference = spec.name === 'quick' ? committedFullScorecard(resultsPath) : undefined;
  console.log(`\nPer-claim summary (${loaded.runs.length} of ${planned} runs; spec '${spec.name}')\n`);
  if (indicative)
    console.log(
      `Small budgets: the verdicts are indicative${reference ? `; beside each, the ${reference.label}'s` : ''}.\n`,
    );
  console.log(formatScorecard(card, { notes: context.details, indicative, reference }));
  const reportPath = join(outDir, 'report.html');
  try {
    writeStudyReport(reportPath, {
      spec,
      specHash: plan.specHash,
      records: loaded.runs,
      scorecard: card,
      plannedRuns: planned,
      provenance: { results: resultsPath, ...extra },
    });
  } catch (error) {
    const regenerate = studyCommand(['--out', outDir, '--report-only']);
    if (context.reportOnly && isNotWritable(error)) {
      console.error(
        `${reportPath} was not written (${fsReason(error)}); the summary above is complete. For the report, ` +
          `copy ${resultsPath} to a folder you can write to and run --report-only with --out there.`,
      );
      console.log(`\nresults: ${resultsPath}`);
      return;
    }
    throw new Error(
      `could not write the report ${reportPath} (${fsReason(error)}). The results are safe in ${resultsPath} and ` +
        `the previous report is unchanged. Fix the cause (free some space), then regenerate the report with:\n  ${regenerate}`,
    );
  }
  console.log(`\nresults: ${resultsPath}\nreport:  ${reportPath}`);
}

/**
 * Where `--merge` writes without `--out`: the folder of the shard files (all in one folder), never
 * a folder a file's header names.
 */
function mergeFolder(files: readonly string[]): string {
  const folders = [...new Set(files.map((f) => resolve(dirname(f))))];
  if (folders.length > 1)
    throw new Error(
      `--merge: the files are in different folders (${folders.join(', ')}); say where to write the merged results with --out`,
    );
  return dirname(files[0]);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('study')
    .description(
      'Run the normlab comparative study of normalization layers on Fashion-MNIST: trains the grid of a profile or spec, ' +
        'resumes interrupted runs, prints a per-claim summary and writes results.jsonl and report.html.',
    )
    .addOption(
      new Option(
        '-p, --profile <name>',
        'study profile (smoke: under a minute; quick: about 5 minutes of training, every claim decided at small budgets (indicative); full: about 2 h 20 min on a fast 2-core host as 2 shards, hours longer on a slow one (bash scripts/study-full.sh); paper: a cluster)',
      )
        .choices([...PROFILE_NAMES])
        .default(DEFAULT_PROFILE),
    )
    .option('-s, --spec <file>', 'study spec file (JSON or YAML) instead of a profile')
    .option('-o, --out <dir>', 'output directory (default: results/<profile or spec name>)')
    .option('--shard <i/n>', 'run only shard i of n (0-based), writing results.shard-i-of-n.jsonl')
    .option('--merge <files...>', 'merge shard results files (same spec) into <out>/results.jsonl and report')
    .option(
      '--only-experiments <names...>',
      'run only these experiments of the spec (tuning names the tuning stage); the rest stays for a later invocation',
    )
    .option(
      '--skip-experiments <names...>',
      'run every experiment but these (e.g. overhead, to time it alone later)',
    )
    .option('--report-only', 'do not train: summarize <out>/results.jsonl and write the report')
    .option('--data-dir <dir>', 'directory of the Fashion-MNIST .gz files (default: the loader search order)')
    .option('--no-download', 'never download the dataset')
    .option('--max-runs <n>', 'stop after this many new runs (resume later)')
    .option('--details', 'print per-group numbers under each claim')
    .option('--wait', 'if another study is writing the same results file, wait for it instead of stopping')
    .option(
      '--repair',
      'repair a damaged results file (<out>/results.jsonl, or the --shard file): keep the valid runs, move every other ' +
        'line to the quarantine file, rebuild a damaged header from --profile/--spec, keep a backup',
    )
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nExamples:\n  npm start                                   # quick profile\n  node --import tsx scripts/study.ts --profile full\n' +
        '  node --import tsx scripts/study.ts --profile full --shard 0/4   # one of 4 shards\n' +
        '  node --import tsx scripts/study.ts --profile full --merge results/full/results.shard-*-of-4.jsonl\n',
    );
  program.parse(argv);
  const o = program.opts<CliOptions>();
  const spec = o.spec ? loadSpecFile(o.spec) : profileSpec(o.profile);
  const outDir = o.out ?? join('results', spec.name);
  const command = studyCommand(argv.slice(2));

  if (o.repair) {
    const shardOfFile = o.shard ? parseShard(o.shard) : undefined;
    checkOutDir(outDir);
    const path = join(outDir, resultsFileName(shardOfFile));
    const explicit = Boolean(o.spec) || program.getOptionValueSource('profile') === 'cli';
    const r = repairResults(path, explicit ? spec : undefined);
    console.log(
      `repaired ${r.path}: kept ${r.kept} run(s)${r.headerRebuilt ? ', rebuilt the header' : ''}; ` +
        `${r.quarantined} line(s) moved to ${r.quarantinePath}${r.quarantined ? `:\n${describeRejected(r.lines)}` : ''}\n` +
        `the original file is kept as ${r.backupPath}`,
    );
    return;
  }
  if (o.merge) {
    // The shards' own spec decides, unless --spec or --profile was given: then they must match it.
    const first = loadResults(o.merge[0], { validate: false }).header;
    const explicit = Boolean(o.spec) || program.getOptionValueSource('profile') === 'cli';
    if (explicit && first.specHash !== expandSpec(spec).specHash)
      throw new Error(
        `${o.merge[0]} belongs to spec '${first.specName}' (hash ${first.specHash}), not to the requested ` +
          `'${spec.name}' (hash ${expandSpec(spec).specHash}); nothing was merged`,
      );
    const mergeOut = o.out ?? mergeFolder(o.merge);
    checkOutDir(mergeOut);
    const merged = mergeResults(o.merge, join(mergeOut, resultsFileName()));
    console.log(
      `merged ${o.merge.length} file(s): ${merged.runs} runs (${merged.duplicates} duplicates dropped, ${merged.missing} planned runs missing)`,
    );
    if (merged.rejected.length > 0)
      console.log(
        `${merged.rejected.length} line(s) of the inputs failed the checks and were left out:\n${merged.rejected
          .slice(0, 10)
          .map((r) => `  ${r.path} line ${r.line}: ${r.reason}`)
          .join('\n')}`,
      );
    const header = loadResults(merged.outPath).header;
    report(
      header.spec,
      merged.outPath,
      mergeOut,
      { command },
      { reportOnly: false, details: Boolean(o.details) },
    );
    return;
  }
  if (o.reportOnly) {
    // Reading needs no write access: a read-only folder still gets its summary.
    const path = join(outDir, resultsFileName());
    const header = loadResults(path).header;
    report(header.spec, path, outDir, { command }, { reportOnly: true, details: Boolean(o.details) });
    return;
  }
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const maxRuns = o.maxRuns === undefined ? undefined : Number(o.maxRuns);
  if (maxRuns !== undefined && !(Number.isInteger(maxRuns) && maxRuns >= 0))
    throw new Error(`--max-runs must be an integer >= 0, got '${o.maxRuns}'`);
  const experiments =
    o.onlyExperiments || o.skipExperiments ? { only: o.onlyExperiments, skip: o.skipExperiments } : undefined;
  if (experiments) checkExperimentFilter(spec, experiments);
  checkOutDir(outDir);
  const info = await initBackend();
  const plan = expandSpec(spec);
  console.log(
    `normlab study '${spec.name}' (${plan.runs.length + plan.pending.length} runs: ${plan.runs.filter((r) => r.stage === 'tuning').length} tuning, ` +
      `the rest at fixed or tuned rates; spec ${plan.specHash}) on ${describeBackend(info)}`,
  );
  if (shard) console.log(`shard ${shard.index}/${shard.count}`);
  if (experiments?.only) console.log(`only the experiments ${experiments.only.join(', ')}`);
  if (experiments?.skip) console.log(`every experiment but ${experiments.skip.join(', ')}`);
  for (const s of plan.skipped)
    console.log(`skipped grid point ${s.experiment}: ${s.arch}/${s.norm} (${s.reason})`);
  const executorOptions = {
    dataDir: o.dataDir,
    download: o.download,
    optionNames: { dir: '--data-dir', download: '--no-download' },
  };
  const display = progressDisplay();
  let waitingSaid = false;
  const resultsPath = join(outDir, resultsFileName(shard));
  // What the interrupt message says: the file's own count, and what this study was doing.
  const state: { done: number; total?: number; waitingFor?: string; current?: string } = {
    done: 0,
    total: shard ? undefined : plan.runs.length + plan.pending.length,
  };
  const savedNow = () => {
    let done = state.done;
    try {
      if (existsSync(resultsPath)) done = loadResults(resultsPath).runs.length;
    } catch {
      // Unreadable right now: the count this study saw.
    }
    return { ...state, done };
  };
  const stopHandling = handleInterrupts({
    resultsPath,
    resumeCommand: command,
    saved: savedNow,
    stopDisplay: display.stop,
  });
  let result: Awaited<ReturnType<typeof runStudy>>;
  try {
    result = await runStudy({
      spec,
      outDir,
      shard,
      experiments,
      maxRuns,
      executor: ownProcessExecutor(trainingExecutor(executorOptions), {
        command: process.execPath,
        // The loader this CLI runs under (tsx) runs the child too.
        args: [...process.execArgv, join(__dirname, 'study-run-child.ts')],
        input: { executor: executorOptions },
      }),
      onProgress: (p) => {
        state.waitingFor = undefined;
        state.done = p.done;
        state.total = p.total;
        state.current = p.current && !p.finished ? runLabel(p.current.config) : undefined;
        display.update(p);
      },
      wait: Boolean(o.wait),
      onWait: (holder) => {
        state.waitingFor = `pid ${holder.pid} on host ${holder.host}`;
        if (waitingSaid) return;
        waitingSaid = true;
        console.log(
          `waiting: the results file is in use by pid ${holder.pid} on host ${holder.host} since ${holder.since}; ` +
            'this study starts when it is free (Ctrl-C to give up)',
        );
      },
    });
  } finally {
    stopHandling();
    display.stop();
  }
  if (result.staleLock) console.log(`took over ${describeStaleLock(result.staleLock)}`);
  if (result.quarantined)
    console.log(
      `set aside ${result.quarantined.count} line(s) that failed the checks (not counted) in ${result.quarantined.path}:\n${describeRejected(result.quarantined.lines)}`,
    );
  if (result.tornSavedTo)
    console.log(`repaired a torn last line; the original file was saved to ${result.tornSavedTo}`);
  console.log(
    `${result.executed} run(s) trained, ${result.skipped} already done, in ${fmtTime(result.wallSeconds)}` +
      (result.records.length < result.selected.length
        ? ` (${result.selected.length - result.records.length} left)`
        : '') +
      (result.pending > 0
        ? `; ${result.pending} run(s) wait for tuning runs not finished yet: run again to finish them`
        : ''),
  );
  if (shard) {
    console.log(
      `shard results: ${result.resultsPath}\nmerge the shards with: node --import tsx scripts/study.ts ${o.spec ? `--spec ${o.spec}` : `--profile ${spec.name}`} --merge <shard files>`,
    );
    return;
  }
  report(
    spec,
    result.resultsPath,
    outDir,
    { command, 'wall time of this invocation': fmtTime(result.wallSeconds) },
    { reportOnly: false, details: Boolean(o.details) },
  );
}

main(process.argv).catch((error: Error) => {
  console.error(`study: error: ${error.message}`);
  process.exit(1);
});
