/**
 * The study CLI and the results store: `--repair` on a file with a damaged header, and a second
 * study on an `--out` another study is writing (refused naming the holder).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { loadResults, quarantinePath } from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

const root = join(__dirname, '..', '..');
const cli = ['--import', 'tsx', join(root, 'scripts', 'study.ts')];
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };

function runCli(args: string[]) {
  return spawnSync(process.execPath, [...cli, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

test('--repair: a file with a damaged header and a garbage line is repaired; then the report counts only valid runs', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-repair-'));
  const out = await runStudy({
    spec: profileSpec('smoke'),
    outDir: dir,
    executor: fakeExecutor(),
    maxRuns: 4,
  });
  const lines = readFileSync(out.resultsPath, 'utf8').trimEnd().split('\n');
  writeFileSync(
    out.resultsPath,
    `${['{"type":"head', ...lines.slice(1, 3), '%%garbage%%', ...lines.slice(3)].join('\n')}\n`,
  );
  const before = runCli(['--out', dir, '--report-only']);
  assert.equal(before.status, 1);
  assert.match(before.stderr, /header \(line 1\) is damaged.*--repair/s);
  const noSpec = runCli(['--out', dir, '--repair']);
  assert.equal(noSpec.status, 1);
  assert.match(noSpec.stderr, /--profile or --spec/);
  const fixed = runCli(['--profile', 'smoke', '--out', dir, '--repair']);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.match(
    fixed.stdout,
    /kept 4 run\(s\), rebuilt the header; 2 line\(s\) moved to .*results\.quarantine\.jsonl/,
  );
  assert.match(fixed.stdout, /line 4: not JSON/);
  assert.match(readFileSync(quarantinePath(out.resultsPath), 'utf8'), /%%garbage%%/);
  assert.equal(loadResults(out.resultsPath).runs.length, 4);
  const report = runCli(['--out', dir, '--report-only']);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /Per-claim summary \(4 of \d+ runs/);
});

test('a second study on an --out another study is writing stops naming pid, host and since, and exits non-zero', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-busy-'));
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'store-child.ts'), 'hold', join(dir, 'results.jsonl')],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const second = runCli(['--profile', 'smoke', '--out', dir]);
    assert.equal(second.status, 1);
    assert.match(
      second.stderr,
      new RegExp(
        `results file .*results\\.jsonl is in use by another study: pid ${holder.pid} on host \\S+, since .*--wait`,
      ),
    );
  } finally {
    holder.kill('SIGKILL');
  }
});

test('--wait: the second study says whom it waits for, and starts once that study is gone', {
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-wait-'));
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'store-child.ts'), 'hold', join(dir, 'results.jsonl')],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  const waiter = spawn(
    process.execPath,
    [...cli, '--profile', 'smoke', '--out', dir, '--wait', '--max-runs', '2'],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  waiter.stdout.on('data', (d) => (out += d));
  waiter.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => waiter.once('exit', r));
  try {
    const start = Date.now();
    while (!/waiting: the results file is in use by pid/.test(out)) {
      assert.ok(Date.now() - start < 120_000, `no waiting message:\n${out}`);
      assert.equal(waiter.exitCode, null, `exited early:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(
      out,
      new RegExp(`waiting: the results file is in use by pid ${holder.pid} on host \\S+ since `),
    );
  } finally {
    holder.kill('SIGKILL');
  }
  assert.equal(await exited, 0, out);
  assert.match(out, new RegExp(`took over the lock of pid ${holder.pid} .*which is no longer running`));
  assert.match(out, /2 run\(s\) trained, 0 already done/);
});
