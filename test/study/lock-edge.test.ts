/**
 * Locks that must not block a study forever: a holder that was killed but not yet reaped (a
 * zombie, which `kill(pid, 0)` still finds), a lock "file" that is a directory, a lock naming pid
 * 0 or −1 (which `kill` takes as a process group or every process), and an empty lock file, whose
 * takeover is described as what it is.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeStaleLock, lockPath, lockResults, tryLockResults } from '../../lib/study/store/lock';

const root = join(__dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-lock-edge-'));

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return undefined;
  }
}

test('a killed holder that is not reaped yet (a zombie) does not keep the lock', {
  skip: process.platform === 'linux' ? false : 'zombies are read from /proc (Linux)',
  timeout: 30_000,
}, async () => {
  // The shell starts a short child, then becomes `sleep 30`, which never reaps it: a zombie.
  const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d) => resolve(Number(String(d)))),
    );
    const start = Date.now();
    while (processState(pid) !== 'Z') {
      assert.ok(Date.now() - start < 10_000, `pid ${pid} became a zombie`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const results = join(tmp(), 'results.jsonl');
    writeFileSync(
      lockPath(results),
      JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), command: 'killed study' }),
    );
    const lock = tryLockResults(results);
    assert.equal(lock.takenOverFrom?.pid, pid, 'the zombie holder counts as gone');
    lock.release();
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a lock that is a directory: a clear error at once, with and without --wait', async () => {
  const results = join(tmp(), 'results.jsonl');
  mkdirSync(lockPath(results));
  const started = Date.now();
  assert.throws(
    () => tryLockResults(results),
    /results\.jsonl\.lock is a directory, not a lock file.*remove it/s,
  );
  await assert.rejects(lockResults(results, { wait: true, pollMs: 5 }), /is a directory, not a lock file/);
  assert.ok(Date.now() - started < 1500, 'no retry loop');
});

test('a lock naming pid 0 or -1 is not a live holder: it is taken over', () => {
  for (const pid of [0, -1, 1.5]) {
    const results = join(tmp(), 'results.jsonl');
    writeFileSync(
      lockPath(results),
      JSON.stringify({ pid, host: hostname(), since: new Date().toISOString(), command: 'odd' }),
    );
    const lock = tryLockResults(results);
    assert.ok(lock.takenOverFrom, `pid ${pid}: taken over`);
    lock.release();
  }
});

test('taking over an empty lock file says so, with no pid -1 and no "since ?"', () => {
  const results = join(tmp(), 'results.jsonl');
  writeFileSync(lockPath(results), '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockPath(results), old, old);
  const lock = tryLockResults(results);
  assert.ok(lock.takenOverFrom);
  const text = describeStaleLock(lock.takenOverFrom);
  assert.match(text, /an empty or unreadable lock file/);
  assert.doesNotMatch(text, /pid -1|since \?/);
  lock.release();
  const cli = join(tmp(), 'out');
  mkdirSync(cli);
  writeFileSync(lockPath(join(cli, 'results.jsonl')), '');
  utimesSync(lockPath(join(cli, 'results.jsonl')), old, old);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', cli, '--max-runs', '0'],
    { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /took over an empty or unreadable lock file/);
  assert.doesNotMatch(r.stdout, /pid -1/);
});
