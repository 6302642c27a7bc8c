import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkExperimentFilter, runStudy, type StudyProgress } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { validateSpec } from '../../lib/study/spec/schema';
import { mergeResults } from '../../lib/study/store/merge';
import { loadResults, openResults } from '../../lib/study/store/results';
import { validateResultsRecord } from '../../lib/study/store/results-schema';
import { fakeExecutor } from './fake-executor';

const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-study-'));
const spec = profileSpec('smoke');

test('a study writes a header and one valid record per run; every line validates against the schema', async () => {
  const dir = tmp();
  const progress: StudyProgress[] = [];
  const out = await runStudy({
    spec,
    outDir: dir,
    executor: fakeExecutor(),
    onProgress: (p) => progress.push(p),
  });
  const initial = expandSpec(spec);
  const total = initial.runs.length + initial.pending.length;
  assert.equal(out.executed, total, 'the tuning stage, then every run at its tuned rate');
  assert.equal(out.pending, 0);
  const lines = readFileSync(out.resultsPath, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, total + 1);
  for (const line of lines) validateResultsRecord(JSON.parse(line));
  const loaded = loadResults(out.resultsPath);
  const plan = expandSpec(spec, loaded.runs);
  assert.equal(loaded.header.specHash, plan.specHash);
  assert.deepEqual(new Set(loaded.runs.map((r) => r.id)), new Set(plan.runs.map((r) => r.id)));
  assert.ok(loaded.runs[0].env.loadAverageStart?.length === 3, 'the load average is recorded');
  assert.deepEqual(Object.keys(loaded.runs[0].env.threads ?? {}).sort(), [
    'OMP_NUM_THREADS',
    'TF_NUM_INTEROP_THREADS',
    'TF_NUM_INTRAOP_THREADS',
  ]);
  assert.equal(loaded.runs[0].env.cpuCount > 0, true);
  const last = progress[progress.length - 1];
  assert.equal(last.done, last.total);
  assert.ok(
    progress.some((p) => p.etaSeconds !== null),
    'an ETA once a run has finished',
  );
  assert.throws(
    () => validateResultsRecord({ ...JSON.parse(lines[1]), metrics: { bogus: 1 } }),
    /invalid run record/,
  );
});

test('resume: a rerun skips finished runs and does the rest', async () => {
  const dir = tmp();
  const calls1: string[] = [];
  const first = await runStudy({ spec, outDir: dir, executor: fakeExecutor(calls1), maxRuns: 7 });
  assert.equal(first.executed, 7);
  const calls2: string[] = [];
  const second = await runStudy({ spec, outDir: dir, executor: fakeExecutor(calls2) });
  assert.equal(second.skipped, 7);
  const initial = expandSpec(spec);
  assert.equal(calls2.length, initial.runs.length + initial.pending.length - 7);
  assert.equal(new Set([...calls1, ...calls2]).size, calls1.length + calls2.length, 'no run executed twice');
  const third = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(third.executed, 0);
});

test('a torn last line is ignored on load, saved aside and repaired on open; nothing is lost', async () => {
  const dir = tmp();
  const first = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 3 });
  const before = readFileSync(first.resultsPath, 'utf8');
  appendFileSync(first.resultsPath, '{"type":"run","id":"abc');
  const loaded = loadResults(first.resultsPath);
  assert.equal(loaded.tornTail, true);
  assert.equal(loaded.runs.length, 3);
  const writer = openResults(first.resultsPath, spec);
  assert.ok(writer.tornSavedTo && existsSync(writer.tornSavedTo));
  assert.match(readFileSync(writer.tornSavedTo, 'utf8'), /"id":"abc$/, 'the torn bytes are kept aside');
  assert.equal(readFileSync(first.resultsPath, 'utf8'), before, 'the file is back to its complete lines');
  writer.close();
  const again = await runStudy({ spec, outDir: dir, executor: fakeExecutor() });
  assert.equal(again.skipped, 3);
  const all = expandSpec(spec);
  assert.equal(loadResults(again.resultsPath).runs.length, all.runs.length + all.pending.length);
});

test('a file whose header line was torn is saved aside and started again', async () => {
  const dir = tmp();
  const path = join(dir, 'results.jsonl');
  writeFileSync(path, '{"type":"header","form');
  const writer = openResults(path, spec);
  assert.ok(writer.tornSavedTo && readFileSync(writer.tornSavedTo, 'utf8') === '{"type":"header","form');
  writer.close();
  assert.equal(loadResults(path).header.specHash, expandSpec(spec).specHash);
});

test('a corrupt line before the last is reported with its line, not counted; loading leaves the file as it is', async () => {
  const dir = tmp();
  const out = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 2 });
  const lines = readFileSync(out.resultsPath, 'utf8').split('\n');
  lines[1] = '{not json';
  writeFileSync(out.resultsPath, lines.join('\n'));
  const text = readFileSync(out.resultsPath, 'utf8');
  const loaded = loadResults(out.resultsPath);
  assert.deepEqual(
    loaded.rejected.map((r) => [r.line, r.text]),
    [[2, '{not json']],
  );
  assert.equal(loaded.runs.length, 1);
  assert.equal(readFileSync(out.resultsPath, 'utf8'), text, 'reading changes nothing');
});

test('a results file from another spec is refused with the reason, and left unchanged', async () => {
  const dir = tmp();
  const out = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns: 2 });
  const text = readFileSync(out.resultsPath, 'utf8');
  const other = validateSpec({ ...spec, name: 'other', defaults: { ...spec.defaults, epochs: 3 } });
  await assert.rejects(
    runStudy({ spec: other, outDir: dir, executor: fakeExecutor() }),
    /belongs to another spec: 'smoke' \(hash [0-9a-f]{16}\), but this study is 'other'.*nothing was changed/s,
  );
  assert.equal(readFileSync(out.resultsPath, 'utf8'), text);
});

test('shards 0/2 and 1/2 merged give the same runs as an unsharded study', async () => {
  const dir = tmp();
  const whole = await runStudy({ spec, outDir: join(dir, 'whole'), executor: fakeExecutor() });
  const s0 = await runStudy({
    spec,
    outDir: join(dir, 'sharded'),
    shard: { index: 0, count: 2 },
    executor: fakeExecutor(),
  });
  const s1 = await runStudy({
    spec,
    outDir: join(dir, 'sharded'),
    shard: { index: 1, count: 2 },
    executor: fakeExecutor(),
  });
  assert.equal(s0.selected.length + s1.selected.length, whole.selected.length);
  assert.deepEqual(readdirSync(join(dir, 'sharded')).sort(), [
    'results.shard-0-of-2.jsonl',
    'results.shard-1-of-2.jsonl',
  ]);
  const merged = mergeResults([s0.resultsPath, s1.resultsPath], join(dir, 'merged', 'results.jsonl'));
  assert.equal(merged.missing, 0);
  assert.equal(merged.duplicates, 0);
  const a = loadResults(whole.resultsPath).runs.map((r) => r.id);
  const b = loadResults(merged.outPath).runs.map((r) => r.id);
  assert.deepEqual(new Set(b), new Set(a), 'same runs');
  const order = new Map(expandSpec(spec, loadResults(merged.outPath).runs).runs.map((r) => [r.id, r.order]));
  assert.deepEqual(
    b,
    [...b].sort((x, y) => order.get(x)! - order.get(y)!),
    'the merged file is in canonical order',
  );
  assert.equal(
    loadResults(merged.outPath).runs.filter((r) => r.shard).length,
    b.length,
    'shard provenance kept',
  );
  // Merging again (output included) is idempotent.
  assert.equal(mergeResults([s0.resultsPath, s1.resultsPath, merged.outPath], merged.outPath).runs, b.length);
});

test('overhead alone, then two shards skipping it, merged: the whole plan, each run once', async () => {
  const dir = tmp();
  const calls: string[] = [];
  const alone = await runStudy({
    spec,
    outDir: dir,
    experiments: { only: ['overhead'] },
    executor: fakeExecutor(calls),
  });
  assert.ok(alone.executed > 0);
  assert.ok(
    loadResults(alone.resultsPath).runs.every((r) => r.experiments.includes('overhead')),
    'only the overhead runs',
  );
  const shards = [];
  for (const index of [0, 1])
    shards.push(
      await runStudy({
        spec,
        outDir: dir,
        shard: { index, count: 2 },
        experiments: { skip: ['overhead'] },
        executor: fakeExecutor(calls),
      }),
    );
  for (const s of shards) {
    assert.equal(s.pending, 0);
    assert.ok(loadResults(s.resultsPath).runs.every((r) => !r.experiments.includes('overhead')));
  }
  const merged = mergeResults(
    shards.map((s) => s.resultsPath),
    alone.resultsPath,
  );
  assert.equal(merged.missing, 0, 'the overhead runs already in results.jsonl are kept');
  assert.equal(merged.duplicates, 0);
  assert.equal(new Set(calls).size, calls.length, 'no run trained twice');
  assert.throws(
    () => checkExperimentFilter(spec, { skip: ['overheads'] }),
    /--skip-experiments: unknown experiment\(s\) 'overheads' of spec 'smoke'; allowed: tuning, headline/,
  );
});

test('merge refuses files of different specs, listing each', async () => {
  const dir = tmp();
  const a = await runStudy({ spec, outDir: join(dir, 'a'), executor: fakeExecutor(), maxRuns: 1 });
  const other = validateSpec({ ...spec, name: 'other' });
  const b = await runStudy({ spec: other, outDir: join(dir, 'b'), executor: fakeExecutor(), maxRuns: 1 });
  assert.throws(
    () => mergeResults([a.resultsPath, b.resultsPath], join(dir, 'm.jsonl')),
    (e: Error) =>
      /different specs/.test(e.message) && e.message.includes("'smoke'") && e.message.includes("'other'"),
  );
  assert.equal(existsSync(join(dir, 'm.jsonl')), false);
  assert.throws(() => mergeResults([], join(dir, 'm.jsonl')), /at least one/);
});
