/**
 * Damage that must cost as little as possible: one damaged tuning record costs one retrained run
 * and one quarantined line (not every run planned from its rate); invalid UTF-8 before a torn
 * last line does not glue the next record to the fragment (the cut is measured in bytes); a
 * complete last record that only lacks its newline is kept, not trained again.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runStudy } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import type { RunConfig } from '../../lib/study/spec/run-config';
import { repairResults } from '../../lib/study/store/repair';
import { loadResults, quarantinePath } from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-damage-'));
const spec = profileSpec('smoke');
const initial = expandSpec(spec);
const total = initial.runs.length + initial.pending.length;

/** A finished smoke study (fake executor); returns its directory, path and lines. */
async function finished(): Promise<{ dir: string; path: string; lines: string[] }> {
  const dir = tmp();
  const out = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(out.records.length, total);
  return { dir, path: out.resultsPath, lines: readFileSync(out.resultsPath, 'utf8').trimEnd().split('\n') };
}

/** Damage one tuning record (testAccuracy 5); returns its line index and id. */
function damageTuningRecord(path: string, lines: string[]): { index: number; id: string } {
  const index = lines.findIndex((l, i) => i > 0 && JSON.parse(l).experiments.includes('tuning'));
  assert.ok(index > 0, 'the smoke study has tuning runs');
  const record = JSON.parse(lines[index]);
  record.metrics.testAccuracy = 5;
  const damaged = [...lines];
  damaged[index] = JSON.stringify(record);
  writeFileSync(path, `${damaged.join('\n')}\n`);
  return { index, id: record.id };
}

test('one damaged tuning record: the report counts every other run, resume retrains exactly that run and quarantines one line', async () => {
  const { dir, path, lines } = await finished();
  const { index, id } = damageTuningRecord(path, lines);
  const loaded = loadResults(path);
  assert.equal(loaded.rejected.length, 1, 'only the damaged line fails');
  assert.equal(loaded.rejected[0].line, index + 1);
  assert.match(loaded.rejected[0].reason, /testAccuracy/);
  assert.equal(loaded.runs.length, total - 1, 'the runs planned from its rate still count');
  const calls: string[] = [];
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor(calls) });
  assert.equal(again.executed, 1, 'exactly one run is trained again');
  assert.equal(again.quarantined?.count, 1, 'exactly one line is set aside');
  assert.equal(
    (JSON.parse(calls[0]) as RunConfig & { kind: 'train' }).learningRate,
    JSON.parse(lines[index]).config.learningRate,
  );
  const q = readFileSync(quarantinePath(path), 'utf8').trimEnd().split('\n');
  assert.equal(q.length, 1);
  assert.equal(JSON.parse(JSON.parse(q[0]).text).id, id);
  const final = loadResults(path);
  assert.equal(final.rejected.length, 0);
  assert.equal(final.runs.length, total);
  assert.deepEqual(
    final.runs.map((r) => r.id).sort(),
    lines
      .slice(1)
      .map((l) => JSON.parse(l).id)
      .sort(),
    'the same ids as before the damage',
  );
});

test('--repair of a file with one damaged tuning record moves that line only', async () => {
  const { path, lines } = await finished();
  damageTuningRecord(path, lines);
  const r = repairResults(path, spec);
  assert.equal(r.quarantined, 1);
  assert.equal(r.kept, total - 1);
  assert.equal(loadResults(path).runs.length, total - 1);
});

test('invalid UTF-8 in a line and a torn last line: the cut is made in bytes, the next record is whole', async () => {
  const dir = tmp();
  const first = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 3 });
  const path = first.resultsPath;
  // Four invalid bytes (each decodes to a 3-byte U+FFFD), then a fragment of a record.
  appendFileSync(path, Buffer.from([0x7b, 0xff, 0xfe, 0xfd, 0xfc, 0x7d, 0x0a]));
  appendFileSync(path, '{"type":"run","id":"ab');
  const loaded = loadResults(path);
  assert.equal(loaded.tornTail, true);
  assert.equal(loaded.runs.length, 3);
  assert.equal(
    loaded.validBytes,
    readFileSync(path).length - Buffer.byteLength('{"type":"run","id":"ab'),
    'the valid prefix is counted in bytes',
  );
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 1 });
  assert.equal(again.executed, 1);
  assert.ok(again.tornSavedTo, 'the fragment was saved aside');
  const text = readFileSync(path, 'utf8');
  assert.doesNotMatch(text, /\{"type":"run",\{"type":"run"/, 'no record glued to the fragment');
  const final = loadResults(path);
  assert.equal(final.rejected.length, 0, 'the invalid line was quarantined, nothing else');
  assert.equal(final.runs.length, 4);
  assert.equal(final.tornTail, false);
});

test('a complete last record without its newline is kept and not trained again', async () => {
  const dir = tmp();
  const first = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 3 });
  const path = first.resultsPath;
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.slice(0, -1));
  const loaded = loadResults(path);
  assert.equal(loaded.runs.length, 3, 'the last record counts');
  assert.equal(loaded.tornTail, false);
  const calls: string[] = [];
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor(calls), maxRuns: 1 });
  assert.equal(again.skipped, 3, 'the record without its newline is not trained again');
  assert.equal(again.tornSavedTo, undefined);
  const final = loadResults(path);
  assert.equal(final.runs.length, 4);
  assert.equal(final.rejected.length, 0);
  assert.ok(readFileSync(path, 'utf8').startsWith(text), 'the newline was added, nothing else changed');
});
