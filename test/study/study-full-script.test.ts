/**
 * scripts/study-full.sh, the way the committed full run is made, on the smoke profile: the
 * overhead replicates first (one process each), then two shards, then the merge; the merged file
 * holds every planned run once and the overhead replicates came from separate processes.
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

test('study-full.sh: overhead replicates one process each, two shards, a merged file', {
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
    // One process each: the study started once per overhead replicate before the shards.
    const invocations = run.stdout.split('only the experiments overhead').length - 1;
    assert.equal(invocations, overhead.length, run.stdout);
    assert.ok(runs.filter((r) => r.config.kind !== 'overhead').every((r) => r.shard !== undefined));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('study-full.sh resuming with one shard finished runs the other alone on every thread', {
  timeout: 600_000,
}, () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-study-full-resume-'));
  try {
    const env = { ...process.env };
    delete env.TF_NUM_INTRAOP_THREADS;
    const study = ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', out];
    for (const args of [
      ['--only-experiments', 'overhead'],
      ['--shard', '0/2', '--skip-experiments', 'overhead'],
    ]) {
      const step = spawnSync('node', [...study, ...args], { cwd: ROOT, encoding: 'utf8', env });
      assert.equal(step.status, 0, `${step.stdout}\n${step.stderr}`);
    }
    const left = spawnSync('node', ['--import', 'tsx', 'scripts/study-shards-left.ts', out, 'smoke', '2'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const [left0, left1] = left.stdout.trim().split(' ').map(Number);
    assert.equal(left0, 0, 'shard 0 finished');
    assert.ok(left1 > 0, left.stdout);
    const run = spawnSync('bash', ['scripts/study-full.sh', out, 'smoke'], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`shard 1/2 alone with the default threads, ${left1} runs left`));
    assert.doesNotMatch(run.stdout, /two shards running/);
    const { header, runs } = loadResults(join(out, 'results.jsonl'));
    assert.equal(runs.length, expandSpec(header.spec, runs).runs.length, 'every planned run is merged');
    const second = runs.filter((r) => r.shard === '1/2');
    assert.equal(second.length, left1);
    assert.ok(
      second.every((r) => r.env.threads?.TF_NUM_INTRAOP_THREADS === 'default'),
      'default threads',
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
