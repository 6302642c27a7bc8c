/**
 * scripts/study-full.sh, the way the committed full run is made, on the smoke profile: the
 * overhead replicates first, alone (the CLI gives each a process of its own: own-process.test.ts),
 * then two shards, then the merge; the merged file holds every planned run once. When one
 * shard finishes first, the other goes on alone with the default threads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandSpec } from '../../lib/study/spec/plan';
import { loadResults } from '../../lib/study/store/results';

const ROOT = join(__dirname, '..', '..');

test('study-full.sh: overhead replicates first and alone, two shards, a merged file', {
  timeout: 600_000,
}, () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-study-full-'));
  try {
    const run = spawnSync('bash', ['scripts/study-full.sh', out, 'smoke'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    for (const shard of [0, 1]) assert.ok(existsSync(join(out, `results.shard-${shard}-of-2.jsonl`)));
    const { header, runs } = loadResults(join(out, 'results.jsonl'));
    const plan = expandSpec(header.spec, runs);
    assert.equal(plan.pending.length, 0, 'nothing left waiting for a tuned rate');
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length, 'each run once');
    assert.equal(runs.length, plan.runs.length, 'every planned run is in the merged file');
    const overhead = runs.filter((r) => r.config.kind === 'overhead');
    assert.ok(overhead.length >= 1);
    assert.ok(
      overhead.every((r) => r.shard === undefined),
      'the overhead runs ran outside the shards',
    );
    // One invocation of the CLI for them, before the shards (its executor forks one child per run).
    const invocations = run.stdout.split('only the experiments overhead').length - 1;
    assert.equal(invocations, 1, run.stdout);
    assert.ok(
      run.stdout.indexOf('only the experiments overhead') < run.stdout.indexOf('two shards running'),
      run.stdout,
    );
    assert.ok(runs.filter((r) => r.config.kind !== 'overhead').every((r) => r.shard !== undefined));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('study-full.sh: when one shard finishes first, the other goes on alone on every thread', {
  timeout: 600_000,
}, () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-study-full-handoff-'));
  try {
    const env = { ...process.env };
    delete env.TF_NUM_INTRAOP_THREADS;
    const study = ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', out];
    const step = (args: string[]) => {
      const r = spawnSync('node', [...study, ...args], { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    };
    const shardsLeft = (): number[] => {
      const r = spawnSync('node', ['--import', 'tsx', 'scripts/study-shards-left.ts', out, 'smoke', '2'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split(' ').map(Number);
    };
    step(['--only-experiments', 'overhead']);
    // Shard 0 all but done: with the script it finishes long before shard 1 does.
    step(['--shard', '0/2', '--skip-experiments', 'overhead', '--max-runs', String(shardsLeft()[0] - 1)]);
    const [left0, left1] = shardsLeft();
    assert.equal(left0, 1);
    assert.ok(left1 > 2, `shard 1 has ${left1} runs`);
    const run = spawnSync('bash', ['scripts/study-full.sh', out, 'smoke'], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /two shards running/);
    assert.match(run.stdout, /shard 1\/2 alone with the default threads, \d+ runs left/);
    assert.deepEqual(shardsLeft(), [0, 0]);
    const { header, runs } = loadResults(join(out, 'results.jsonl'));
    assert.equal(runs.length, expandSpec(header.spec, runs).runs.length, 'every planned run is merged');
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length, 'each run once');
    const second = runs.filter((r) => r.shard === '1/2');
    assert.equal(second.length, left1);
    const threads = new Set(second.map((r) => r.env.threads?.TF_NUM_INTRAOP_THREADS));
    assert.deepEqual([...threads].sort(), ['1', 'default'], 'one thread beside shard 0, then both cores');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
