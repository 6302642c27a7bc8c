/**
 * The Slurm recipe on a real scheduler: a single-node Slurm (munged, slurmctld, slurmd from
 * Debian's slurm-wlm, started in a temporary directory by scripts/slurm-local.sh and stopped
 * afterwards) runs the smoke study as an array of two shards plus the dependent merge job, with
 * the commands deploy/README.md documents; the merged results must hold exactly the runs of an
 * unsharded run of the same study, in the same order, with the same configs and the same
 * measured numbers (all but times).
 *
 * Needs root (slurmd starts jobs as their users; apt installs Slurm when it is missing).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import type { RunRecord } from '../../lib/study/spec/records';
import { loadResults } from '../../lib/study/store/results';

const root = join(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;

function sh(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Run a command in the background, resolving with its exit code and output. */
function background(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const p = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (status) => resolve({ status, out }));
  });
}

/** Metrics without the ones that are times (they differ from run to run). */
function untimed(metrics: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metrics).filter(([k]) => !/seconds|ms$|persecond|timings/i.test(k)),
  );
}

/** What a run is, without what was measured (timings, metrics, environment, shard). */
function identity(r: RunRecord) {
  return { id: r.id, specHash: r.specHash, experiments: r.experiments, config: r.config };
}

test('Slurm for real: the smoke study as an array of 2 shards plus the merge job equals an unsharded run', {
  skip: isRoot ? false : 'needs root: slurmd starts jobs as their users, and apt installs Slurm when missing',
  timeout: 600_000,
}, async () => {
  const setup = sh('bash', ['scripts/setup/cluster.sh']);
  assert.equal(setup.status, 0, `cluster setup: ${setup.stdout}${setup.stderr}`);
  const cluster = mkdtempSync(join(tmpdir(), 'normlab-slurm-'));
  after(() => {
    sh('bash', ['scripts/slurm-local.sh', 'stop', cluster]);
  });
  const up = sh('bash', ['scripts/slurm-local.sh', 'start', cluster]);
  assert.equal(up.status, 0, `single-node Slurm: ${up.stdout}${up.stderr}`);
  const env = { ...process.env, SLURM_CONF: join(cluster, 'slurm.conf'), TF_CPP_MIN_LOG_LEVEL: '2' };
  const out = mkdtempSync(join(tmpdir(), 'normlab-slurm-out-'));
  const logs = `--output=${join(out, '%x-%A_%a.out')}`;
  const vars = `--export=ALL,PROFILE=smoke,OUT=${out}`;

  // deploy/README.md: jid=$(sbatch --parsable --array=0-N ...) then the merge with afterok.
  const shards = sh(
    'sbatch',
    ['--parsable', '--array=0-1', logs, vars, 'deploy/slurm/study-array.sbatch'],
    env,
  );
  assert.equal(shards.status, 0, shards.stderr);
  const jid = shards.stdout.trim().split(';')[0];
  const merge = sh(
    'sbatch',
    [
      '--parsable',
      `--dependency=afterok:${jid}`,
      '--array=0',
      logs,
      `${vars},SHARDS=2`,
      'deploy/slurm/study-array.sbatch',
      'merge',
    ],
    env,
  );
  assert.equal(merge.status, 0, merge.stderr);
  const mid = merge.stdout.trim().split(';')[0];

  // Meanwhile, the same study unsharded, as a user runs it.
  const plainOut = mkdtempSync(join(tmpdir(), 'normlab-unsharded-'));
  const plain = background(
    process.execPath,
    ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', plainOut],
    { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  );

  const state = (job: string) => /JobState=(\S+)/.exec(sh('scontrol', ['show', 'job', job], env).stdout)?.[1];
  const started = Date.now();
  let last: string | undefined;
  for (;;) {
    last = state(mid);
    if (last && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(last)) break;
    assert.ok(Date.now() - started < 480_000, `the merge job is still ${last} after 8 minutes`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const log = (job: string) => {
    try {
      return readFileSync(join(out, `normlab-study-${job}_0.out`), 'utf8');
    } catch {
      return '(no log)';
    }
  };
  assert.equal(last, 'COMPLETED', `merge job ${last}; shard 0 log:\n${log(jid)}\nmerge log:\n${log(mid)}`);
  assert.equal(state(`${jid}_0`), 'COMPLETED');
  assert.equal(state(`${jid}_1`), 'COMPLETED');
  assert.match(log(mid), /merged 2 file\(s\): \d+ runs \(0 duplicates dropped, 0 planned runs missing\)/);
  assert.match(log(mid), /Per-claim summary \((\d+) of \1 runs/);

  const unsharded = await plain;
  assert.equal(unsharded.status, 0, unsharded.out);
  const merged = loadResults(join(out, 'results.jsonl'));
  const reference = loadResults(join(plainOut, 'results.jsonl'));
  assert.equal(merged.header.specHash, reference.header.specHash);
  assert.equal(merged.rejected.length, 0);
  // The unsharded file is in the order the runs finished (the tuning stage, then the runs at the
  // rates it chose); the merged one in plan order: compare them by id.
  const byId = (runs: typeof merged.runs) => [...runs].sort((a, b) => a.id.localeCompare(b.id)).map(identity);
  assert.deepEqual(byId(merged.runs), byId(reference.runs), 'same runs, same configs');
  assert.deepEqual(
    merged.runs.map((r) => r.id),
    expandSpec(profileSpec('smoke'), merged.runs).runs.map((r) => r.id),
  );
  assert.deepEqual([...new Set(merged.runs.map((r) => r.shard))].sort(), ['0/2', '1/2']);
  // Training is deterministic (seeded init, data order and splits): every measured number that is
  // not a time must be identical between the shards and the unsharded run (matched by id).
  const referenceById = new Map(reference.runs.map((r) => [r.id, r]));
  for (const r of merged.runs)
    assert.deepEqual(
      untimed(r.metrics),
      untimed(referenceById.get(r.id)!.metrics),
      `run ${r.id} (${r.config.kind})`,
    );
});
