/**
 * The facts of a results file for its PROVENANCE.md, read from the run records themselves:
 * commits and whether the trees were clean, spec, runs against the plan, backend and versions,
 * machine, when it ran, wall time (per invocation: shards that ran side by side overlap), load
 * averages and thread settings. Prints a Markdown table. A study interrupted and resumed (on the
 * same host or another) shows each stretch it ran in and each machine it ran on.
 *
 *   node --import tsx scripts/study-provenance.ts [results.jsonl]   (default results/full/results.jsonl)
 */
import { Command } from 'commander';
import { expandSpec } from '../lib/study/spec/plan';
import type { RunRecord } from '../lib/study/spec/records';
import { loadResults } from '../lib/study/store/results';

const fmtDuration = (seconds: number): string => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min ${s} s`;
};
const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const span = (runs: readonly RunRecord[]): [number, number] => [
  Math.min(...runs.map((r) => Date.parse(r.startedAt))),
  Math.max(...runs.map((r) => Date.parse(r.finishedAt))),
];

/** A stretch of time in which the study ran: runs that overlap or follow each other closely. */
export interface Stretch<T> {
  start: number;
  end: number;
  runs: T[];
}

/**
 * The stretches `runs` ran in: sorted by start, a run joins the current stretch when it starts
 * within `gapSeconds` of the stretch's end (a resumed study loses only the runs in flight when it
 * stopped, so a longer gap is an interruption).
 */
export function stretches<T extends { startedAt: string; finishedAt: string }>(
  runs: readonly T[],
  gapSeconds = 600,
): Stretch<T>[] {
  const out: Stretch<T>[] = [];
  for (const r of [...runs].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))) {
    const start = Date.parse(r.startedAt);
    const end = Date.parse(r.finishedAt);
    const last = out[out.length - 1];
    if (last && start <= last.end + 1000 * gapSeconds) {
      last.end = Math.max(last.end, end);
      last.runs.push(r);
    } else out.push({ start, end, runs: [r] });
  }
  return out;
}

function main(path: string): void {
  const { header, runs } = loadResults(path);
  const plan = expandSpec(header.spec, runs);
  const planned = plan.runs.length + plan.pending.length;
  const commits = [
    ...new Set(runs.map((r) => `${r.env.commit ?? 'unknown'}${r.env.dirty ? ' (dirty)' : ''}`)),
  ];
  const [first, last] = span(runs);
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const set = Object.entries(r.env.threads ?? {}).filter(([, v]) => v !== 'default');
    const threads = set.length ? set.map(([k, v]) => `${k}=${v}`).join(' ') : 'default thread settings';
    const key = `${r.shard ? `shard ${r.shard}` : 'unsharded'}, ${threads}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const loads = runs.flatMap((r) => (r.env.loadAverageStart ? [r.env.loadAverageStart[0]] : []));
  const sorted = [...loads].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const e = runs[0].env;
  const machines = new Map<string, number>();
  for (const r of runs) {
    const m = `${r.env.cpuCount} × ${r.env.cpu}, ${r.env.platform}`;
    machines.set(m, (machines.get(m) ?? 0) + 1);
  }
  const parts = stretches(runs);
  const rows: [string, string][] = [
    ['commit', commits.map((c) => `\`${c}\``).join(', ')],
    [
      'spec',
      `'${header.specName}', hash \`${header.specHash}\` (the header line holds the whole validated spec)`,
    ],
    ['runs', `${runs.length} of ${planned}`],
    [
      'backend',
      `\`${e.backend}\` (TensorFlow ${e.tensorflowVersion ?? '?'} C library), tfjs ${e.tfjsVersion}, Node.js ${e.nodeVersion}`,
    ],
    [
      machines.size === 1 ? 'machine' : 'machines',
      [...machines].map(([m, n]) => (machines.size === 1 ? m : `${m} (${n} runs)`)).join('; '),
    ],
    ['started', utc(first)],
    ['finished', utc(last)],
    ['wall time, first start to last finish', fmtDuration((last - first) / 1000)],
    ...(parts.length > 1
      ? [
          [
            `ran in ${parts.length} stretches (interrupted and resumed)`,
            parts
              .map(
                (p) =>
                  `${utc(p.start)} to ${utc(p.end)}, ${p.runs.length} runs (${fmtDuration((p.end - p.start) / 1000)})`,
              )
              .join('; '),
          ] as [string, string],
          [
            'time the stretches took together',
            fmtDuration(parts.reduce((sum, p) => sum + (p.end - p.start), 0) / 1000),
          ] as [string, string],
        ]
      : []),
    ['sum of the runs’ own wall times', fmtDuration(runs.reduce((s, r) => s + r.wallSeconds, 0))],
    ...[...groups].map(([key, rs]): [string, string] => {
      const [a, b] = span(rs);
      return [key, `${rs.length} runs, ${utc(a)} to ${utc(b)} (${fmtDuration((b - a) / 1000)})`];
    }),
    ...(sorted.length === 0
      ? []
      : [
          [
            'load average (1 min) at run start',
            `median ${q(0.5).toFixed(2)}, 5th–95th percentile ${q(0.05).toFixed(2)}–${q(0.95).toFixed(2)}, max ${sorted[sorted.length - 1].toFixed(2)}`,
          ] as [string, string],
        ]),
  ];
  console.log('| what | value |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

const program = new Command()
  .name('study-provenance')
  .description("print a Markdown table of a results file's provenance, read from its run records")
  .argument('[results]', 'the results file', 'results/full/results.jsonl')
  .showHelpAfterError()
  .action((results: string) => main(results));
if (require.main === module) program.parse();
