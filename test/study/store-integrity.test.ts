/**
 * The results store does not trust what it reads or what the disk says it wrote: records that do
 * not belong to the plan, do not hash to their id, or carry impossible metrics are set aside in a
 * quarantine file and never counted; a garbage line does not block resume; a short write or a full
 * disk never leaves a counted half line (injected write function, and a real small tmpfs when the
 * tests run as root); a damaged header is repaired with `repairResults`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeStudySource, loadOrRunStudy } from '../../lib/study/run/load-or-run';
import { runStudy } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import type { RunRecord } from '../../lib/study/spec/records';
import { runId } from '../../lib/study/spec/run-config';
import { repairResults } from '../../lib/study/store/repair';
import {
  loadResults,
  lockPath,
  makeHeader,
  openResults,
  quarantinePath,
} from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-store-'));
const spec = profileSpec('smoke');
const plan = expandSpec(spec);
// Every run of the study: the tuning stage and the runs at tuned rates it plans.
const total = plan.runs.length + plan.pending.length;

/** A results file with `n` finished runs of the smoke spec; returns its path and lines. */
async function fileWith(n: number): Promise<{ path: string; lines: string[]; dir: string }> {
  const dir = tmp();
  const out = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: n });
  return { dir, path: out.resultsPath, lines: readFileSync(out.resultsPath, 'utf8').trimEnd().split('\n') };
}

test('a record whose id is not in the plan is not counted, is set aside in the quarantine file, and resume goes on', async () => {
  const { dir, path, lines } = await fileWith(3);
  const foreign = JSON.parse(lines[1]) as RunRecord;
  foreign.config = { ...foreign.config, seed: 99 };
  foreign.id = runId(foreign.config);
  appendFileSync(path, `${JSON.stringify(foreign)}\n`);
  const loaded = loadResults(path);
  assert.equal(loaded.runs.length, 3, 'only the planned runs count');
  assert.equal(loaded.rejected.length, 1);
  assert.match(loaded.rejected[0].reason, /not in the plan/);
  assert.equal(loaded.rejected[0].line, 5);
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(again.skipped, 3);
  assert.equal(again.quarantined?.count, 1);
  assert.equal(again.records.length, total, `${total} of ${total}, not one more`);
  const q = readFileSync(quarantinePath(path), 'utf8').trimEnd().split('\n');
  assert.equal(q.length, 1);
  const entry = JSON.parse(q[0]);
  assert.equal(entry.line, 5);
  assert.match(entry.reason, /not in the plan/);
  assert.equal(JSON.parse(entry.text).id, foreign.id, 'the quarantined bytes are kept');
  const final = loadResults(path);
  assert.equal(final.rejected.length, 0, 'the results file itself is clean again');
  assert.equal(final.runs.length, total);
});

test('a record whose config was edited (batch → layer, same id) is rejected: its config does not hash to its id', async () => {
  const { path, lines } = await fileWith(4);
  const index = lines.findIndex((l, i) => i > 0 && JSON.parse(l).config.norm === 'batch');
  assert.ok(index > 0);
  const edited = JSON.parse(lines[index]);
  edited.config.norm = 'layer';
  lines[index] = JSON.stringify(edited);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const loaded = loadResults(path);
  assert.equal(loaded.runs.length, 3);
  assert.equal(loaded.rejected[0].line, index + 1);
  assert.match(loaded.rejected[0].reason, /config does not hash to its id/);
});

test('out-of-range metrics (testAccuracy 5.0) and a garbage line in the middle are quarantined, never averaged in', async () => {
  const { dir, path, lines } = await fileWith(4);
  const bad = JSON.parse(lines[2]);
  assert.equal(bad.config.kind, 'train');
  bad.metrics.testAccuracy = 5.0;
  lines[2] = JSON.stringify(bad);
  lines.splice(3, 0, 'this is not a record {');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const loaded = loadResults(path);
  assert.equal(loaded.runs.length, 3);
  assert.deepEqual(
    loaded.rejected.map((r) => r.line),
    [3, 4],
  );
  assert.match(loaded.rejected[0].reason, /testAccuracy/);
  assert.match(loaded.rejected[1].reason, /not JSON/);
  assert.ok(loaded.runs.every((r) => r.id !== bad.id));
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(again.quarantined?.count, 2);
  assert.equal(again.executed, total - 3, 'the rejected run is trained again');
  const final = loadResults(path);
  assert.equal(final.runs.length, total);
  assert.ok(
    final.runs.every((r) => r.metrics && !('testAccuracy' in r.metrics && r.metrics.testAccuracy === 5)),
  );
  assert.match(readFileSync(quarantinePath(path), 'utf8'), /this is not a record \{/);
});

/** A write function that writes at most `chunk` bytes per call and fails with ENOSPC after `budget` bytes. */
function limitedWrite(chunk: number, budget: number) {
  let written = 0;
  return (fd: number, buffer: Uint8Array, offset = 0, length = buffer.length - offset): number => {
    if (written >= budget)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = Math.min(chunk, length, budget - written);
    const done = writeSync(fd, buffer, offset, n);
    written += done;
    return done;
  };
}

test('short writes are completed: a write that takes 7 bytes at a time still stores whole records', async () => {
  const dir = tmp();
  const path = join(dir, 'results.jsonl');
  const writer = openResults(path, spec, { fs: { writeSync: limitedWrite(7, Number.POSITIVE_INFINITY) } });
  const { records } = await runStudy({ spec, outDir: tmp(), executor: fakeExecutor(), maxRuns: 3 });
  for (const r of records) assert.equal(writer.append(r), true);
  writer.close();
  const loaded = loadResults(path);
  assert.equal(loaded.runs.length, 3);
  assert.equal(loaded.tornTail, false);
});

test('a full disk mid-record: the record is not counted, no half line stays, the error names the file and how to resume', async () => {
  const dir = tmp();
  const path = join(dir, 'results.jsonl');
  const { records } = await runStudy({ spec, outDir: tmp(), executor: fakeExecutor(), maxRuns: 3 });
  // Room for the header, the first record and half of the second.
  const room = [makeHeader(spec), records[0]].reduce(
    (n, r) => n + Buffer.byteLength(`${JSON.stringify(r)}\n`),
    0,
  );
  const first = openResults(path, spec, {
    fs: { writeSync: limitedWrite(4096, room + Math.floor(JSON.stringify(records[1]).length / 2)) },
  });
  assert.equal(first.append(records[0]), true);
  assert.throws(
    () => first.append(records[1]),
    (error: Error) => {
      assert.match(error.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      assert.match(error.message, /no space left/i);
      assert.match(error.message, /rerun the same command.*resumes/i);
      return true;
    },
  );
  assert.equal(first.finished.has(records[1].id), false, 'the failed record is not counted');
  assert.equal(readFileSync(path, 'utf8').endsWith('\n'), true, 'no half line left behind');
  first.close();
  // Space is back: the next append lands on a clean file and everything loads.
  const second = openResults(path, spec);
  assert.equal(second.append(records[1]), true);
  second.close();
  const loaded = loadResults(path);
  assert.deepEqual(
    loaded.runs.map((r) => r.id),
    [records[0].id, records[1].id],
  );
  assert.equal(loaded.rejected.length, 0);
});

const isRoot = process.getuid?.() === 0;

test('a real full disk (a 24 KiB tmpfs): the study stops with a clear error, resumes once there is room, and loses nothing', {
  skip: isRoot ? false : 'needs root to mount a small tmpfs (the injected-write test above covers the logic)',
  timeout: 60_000,
}, async (t) => {
  const dir = tmp();
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    t.skip(`cannot mount a tmpfs here: ${mount.stderr.trim()}`);
    return;
  }
  try {
    await assert.rejects(runStudy({ spec, outDir: dir, executor: fakeExecutor() }), (error: Error) => {
      assert.match(error.message, /no space left/i);
      assert.match(error.message, /results\.jsonl/);
      return true;
    });
    const partial = loadResults(join(dir, 'results.jsonl'));
    assert.equal(partial.tornTail, false, 'no half-written record is left');
    assert.ok(partial.runs.length < total);
    assert.equal(spawnSync('mount', ['-o', 'remount,size=4m', dir]).status, 0, 'tmpfs remounted with room');
    const resumed = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
    assert.equal(resumed.skipped, partial.runs.length);
    const final = loadResults(join(dir, 'results.jsonl'));
    assert.equal(final.runs.length, total);
    assert.equal(final.rejected.length, 0);
  } finally {
    spawnSync('umount', [dir]);
  }
});

test('repairResults: a damaged header is rebuilt from the given spec, bad lines quarantined, a backup kept', async () => {
  const { dir, path, lines } = await fileWith(3);
  const original = `${['{"type":"header", garbage', ...lines.slice(1), 'junk'].join('\n')}\n`;
  writeFileSync(path, original);
  assert.throws(() => loadResults(path), /header.*--repair/s);
  assert.throws(() => repairResults(path), /header is damaged.*--profile or --spec/s);
  const report = repairResults(path, spec);
  assert.equal(report.kept, 3);
  assert.equal(report.quarantined, 2);
  assert.equal(readFileSync(report.backupPath, 'utf8'), original, 'the original bytes are kept');
  const loaded = loadResults(path);
  assert.equal(loaded.header.specHash, plan.specHash);
  assert.equal(loaded.runs.length, 3);
  assert.equal(loaded.rejected.length, 0);
  assert.match(readFileSync(quarantinePath(path), 'utf8'), /junk/);
  const resumed = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(resumed.skipped, 3);
  assert.ok(readdirSync(dir).some((f) => f.startsWith('results.jsonl.bak-')));
});

test('a full disk while setting rejected lines aside: the results file is left unchanged and the error says so', async () => {
  const { path, lines } = await fileWith(2);
  const text = `${[lines[0], 'garbage {', ...lines.slice(1)].join('\n')}\n`;
  writeFileSync(path, text);
  assert.throws(
    () => openResults(path, spec, { fs: { writeSync: limitedWrite(4096, 0) } }),
    /could not move the 1 line\(s\) of results file .* that failed the checks to .*results\.quarantine\.jsonl: ENOSPC.*The results file is unchanged \(2 valid run\(s\)\)\. Free some space/s,
  );
  assert.equal(readFileSync(path, 'utf8'), text, 'nothing was rewritten');
  assert.equal(existsSync(lockPath(path)), false, 'the lock is released');
});

test('a committed results file read for a notebook: lines that fail the checks are not counted, and the description says so', async () => {
  const { path, lines } = await fileWith(3);
  const bad = JSON.parse(lines[1]);
  bad.metrics.testAccuracy = 5;
  writeFileSync(path, `${[...lines, JSON.stringify(bad)].join('\n')}\n`);
  const study = await loadOrRunStudy({ committed: path });
  assert.equal(study.source, 'committed');
  assert.equal(study.records.length, 3);
  assert.match(
    describeStudySource(study),
    /1 line\(s\) of the file failed the checks and are not counted \(line 5: .*testAccuracy/,
  );
});
