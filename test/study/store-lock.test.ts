/**
 * One writer per results file: real concurrent child processes race on new results files (with
 * and without `wait`, some trials starting from a stale lock of a dead process); a second study on
 * a held file says who holds it; `wait` waits, and takes over when the holder dies.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { mergeResults } from '../../lib/study/store/merge';
import { loadResults, lockPath } from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

const root = join(__dirname, '..', '..');
const child = join(__dirname, 'store-child.ts');
const spec = profileSpec('smoke');
const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-lock-'));

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

function staleLock(resultsPath: string): void {
  writeFileSync(
    lockPath(resultsPath),
    JSON.stringify({
      pid: deadPid(),
      host: hostname(),
      since: new Date(0).toISOString(),
      command: 'killed study',
    }),
  );
}

interface RaceLine {
  trial: number;
  ok: boolean;
  id?: string;
  error?: string;
}

async function race(dir: string, trials: number, mode: 'wait' | 'nowait'): Promise<RaceLine[][]> {
  const run = (name: string) =>
    new Promise<RaceLine[]>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', child, 'race', dir, String(trials), name, mode], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('exit', (code) =>
        code === 0
          ? resolve(
              out
                .trim()
                .split('\n')
                .map((l) => JSON.parse(l)),
            )
          : reject(new Error(`racer ${name} exited ${code}: ${err}`)),
      );
    });
  return Promise.all([run('a'), run('b')]);
}

function checkTrialFile(dir: string, t: number, written: string[]): void {
  const path = join(dir, String(t), 'results.jsonl');
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const headers = lines.filter((l) => JSON.parse(l).type === 'header').length;
  assert.equal(headers, 1, `trial ${t}: exactly one header`);
  const loaded = loadResults(path);
  assert.equal(loaded.rejected.length, 0);
  for (const id of written)
    assert.ok(
      loaded.runs.some((r) => r.id === id),
      `trial ${t}: run ${id} was reported written`,
    );
  assert.equal(loaded.runs.length, new Set(written).size, `trial ${t}: nothing else`);
  assert.equal(existsSync(lockPath(path)), false, `trial ${t}: the lock is released`);
}

test('two processes opening the same new results file at once, waiting: one header, both records, every trial', {
  timeout: 120_000,
}, async () => {
  const dir = tmp();
  const trials = 30;
  for (let t = 1; t < trials; t += 2) {
    mkdirSync(join(dir, String(t)), { recursive: true });
    staleLock(join(dir, String(t), 'results.jsonl'));
  }
  const [a, b] = await race(dir, trials, 'wait');
  for (let t = 0; t < trials; t++) {
    assert.ok(a[t].ok && b[t].ok, `trial ${t}: ${a[t].error ?? ''} ${b[t].error ?? ''}`);
    assert.notEqual(a[t].id, b[t].id, `trial ${t}: the second waited and trained the next run`);
    checkTrialFile(dir, t, [a[t].id!, b[t].id!]);
  }
});

test('two processes at once, not waiting: a refused one says who holds the file; no written record is lost', {
  timeout: 120_000,
}, async () => {
  const dir = tmp();
  const trials = 20;
  const [a, b] = await race(dir, trials, 'nowait');
  let refused = 0;
  for (let t = 0; t < trials; t++) {
    const lines = [a[t], b[t]];
    assert.ok(
      lines.some((l) => l.ok),
      `trial ${t}: one of them ran`,
    );
    for (const l of lines.filter((x) => !x.ok)) {
      refused++;
      assert.match(l.error!, /is in use by another study: pid \d+ on host \S+, since \d{4}-\d\d-\d\dT/);
      assert.match(l.error!, /--wait/);
    }
    checkTrialFile(
      dir,
      t,
      lines.filter((l) => l.ok).map((l) => l.id!),
    );
  }
  assert.ok(refused >= 0);
});

test('a merge into a results file another study is writing is refused, naming the holder', async () => {
  const dir = tmp();
  const shard = await runStudy({
    spec,
    outDir: dir,
    executor: fakeExecutor(),
    shard: { index: 0, count: 2 },
  });
  const out = join(dir, 'results.jsonl');
  const holder = spawn(process.execPath, ['--import', 'tsx', child, 'hold', out], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    assert.throws(
      () => mergeResults([shard.resultsPath], out),
      new RegExp(`in use by another study: pid ${holder.pid}`),
    );
    assert.equal(existsSync(out), false, 'nothing written');
  } finally {
    holder.kill('SIGKILL');
  }
});

test('a held file: a second study is refused naming pid, host and since; with wait it waits and takes over from a killed holder', {
  timeout: 60_000,
}, async () => {
  const dir = tmp();
  const path = join(dir, 'results.jsonl');
  const holder = spawn(process.execPath, ['--import', 'tsx', child, 'hold', path], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  await assert.rejects(
    runStudy({ spec, outDir: dir, executor: fakeExecutor() }),
    new RegExp(`is in use by another study: pid ${holder.pid} on host ${hostname()}, since .*--wait`, 's'),
  );
  const waits: number[] = [];
  const waited = runStudy({
    spec,
    outDir: dir,
    executor: fakeExecutor(),
    wait: true,
    waitPollMs: 20,
    onWait: (h) => {
      waits.push(h.pid);
      if (waits.length === 1) holder.kill('SIGKILL');
    },
  });
  const result = await waited;
  assert.equal(waits[0], holder.pid);
  assert.equal(result.executed, result.selected.length);
  assert.equal(result.staleLock?.pid, holder.pid, 'says whose stale lock it took over');
  assert.equal(existsSync(lockPath(path)), false);
});

test('a lock held on another host is not taken over: the message says how to clear it', async () => {
  const dir = tmp();
  const path = join(dir, 'results.jsonl');
  writeFileSync(
    lockPath(path),
    JSON.stringify({ pid: 4242, host: 'node-elsewhere', since: '2026-01-01T00:00:00.000Z', command: 'x' }),
  );
  await assert.rejects(
    runStudy({ spec, outDir: dir, executor: fakeExecutor() }),
    /pid 4242 on host node-elsewhere, since 2026-01-01T00:00:00.000Z.*not refreshed it for 2 minutes \(--wait waits for that\).*delete .*results\.jsonl\.lock/s,
  );
});

test('stale locks are told from live ones: another host after 2 minutes without a refresh, a reused pid, our own pid', async () => {
  const remote = join(tmp(), 'results.jsonl');
  const lock = { pid: 4242, host: 'node-elsewhere', since: '2026-01-01T00:00:00.000Z', command: 'x' };
  writeFileSync(lockPath(remote), JSON.stringify(lock));
  const old = new Date(Date.now() - 10 * 60_000);
  utimesSync(lockPath(remote), old, old);
  const taken = await runStudy({ spec, outDir: dirname(remote), executor: fakeExecutor(), maxRuns: 1 });
  assert.deepEqual(
    taken.staleLock,
    lock,
    'a lock from another host not refreshed for 10 minutes is taken over',
  );

  // A live pid that was started at another time than the holder's: the holder's pid was reused.
  const sleeper = spawn('sleep', ['60']);
  try {
    const reused = join(tmp(), 'results.jsonl');
    writeFileSync(
      lockPath(reused),
      JSON.stringify({ ...lock, pid: sleeper.pid, host: hostname(), start: '1' }),
    );
    const r = await runStudy({ spec, outDir: dirname(reused), executor: fakeExecutor(), maxRuns: 1 });
    assert.equal(r.staleLock?.pid, sleeper.pid);
    // The same live pid with its real start time is a live holder.
    const live = join(tmp(), 'results.jsonl');
    const start = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
    writeFileSync(lockPath(live), JSON.stringify({ ...lock, pid: sleeper.pid, host: hostname(), start }));
    await assert.rejects(
      runStudy({ spec, outDir: dirname(live), executor: fakeExecutor() }),
      /in use by another study/,
    );
  } finally {
    sleeper.kill();
  }

  // Our own pid in a lock we do not hold: left by an earlier process with this pid (a restarted container).
  const own = join(tmp(), 'results.jsonl');
  writeFileSync(lockPath(own), JSON.stringify({ ...lock, pid: process.pid, host: hostname() }));
  const mine = await runStudy({ spec, outDir: dirname(own), executor: fakeExecutor(), maxRuns: 1 });
  assert.equal(mine.staleLock?.pid, process.pid);
});
