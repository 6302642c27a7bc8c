import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  describeEnvironment,
  describeStudyRun,
  describeStudySource,
  loadOrRunStudy,
} from '../../lib/study/run/load-or-run';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { fakeExecutor } from './fake-executor';

const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-load-or-run-'));
const smokePlan = expandSpec(profileSpec('smoke'));
// The tuning runs and every run at a tuned rate (planned once the tuning runs are done).
const runs = smokePlan.runs.length + smokePlan.pending.length;

test('loadOrRunStudy: no committed file → runs the profile live, then resumes it', async () => {
  const dir = tmp();
  const calls: string[] = [];
  let progress = 0;
  const first = await loadOrRunStudy({
    committed: join(dir, 'absent', 'results.jsonl'),
    profile: 'smoke',
    outDir: join(dir, 'smoke'),
    executor: fakeExecutor(calls),
    onProgress: () => progress++,
  });
  assert.equal(first.source, 'live');
  assert.equal(first.spec.name, profileSpec('smoke').name);
  assert.equal(first.records.length, runs);
  assert.equal(first.resultsPath, join(dir, 'smoke', 'results.jsonl'));
  assert.deepEqual(first.provenance, []);
  assert.equal(first.run?.executed, runs);
  assert.equal(calls.length, runs);
  assert.ok(progress > 0, 'progress reported');
  assert.equal(
    describeStudySource(first),
    `no committed full run: ${runs} runs of the 'smoke' profile from ${first.resultsPath}`,
  );
  assert.match(
    describeStudyRun(first.run!),
    new RegExp(`^${runs} runs trained now, 0 found in .*results\\.jsonl; \\d+ s$`),
  );

  const second = await loadOrRunStudy({
    profile: 'smoke',
    outDir: join(dir, 'smoke'),
    executor: fakeExecutor(calls),
  });
  assert.equal(second.run?.executed, 0);
  assert.equal(second.run?.skipped, runs);
  assert.equal(calls.length, runs, 'nothing trained twice');
});

test('loadOrRunStudy: a committed file is read with the provenance files beside it; no run, no progress', async () => {
  const dir = tmp();
  const made = await loadOrRunStudy({
    profile: 'smoke',
    outDir: join(dir, 'full'),
    executor: fakeExecutor(),
  });
  writeFileSync(join(dir, 'full', 'PROVENANCE.md'), 'command: study --profile smoke\n');
  writeFileSync(join(dir, 'full', 'provenance-machine.txt'), '2 cores\n');
  writeFileSync(join(dir, 'full', 'notes.txt'), 'not provenance');
  const calls: string[] = [];
  let progress = 0;
  const study = await loadOrRunStudy({
    committed: made.resultsPath,
    profile: 'quick',
    executor: fakeExecutor(calls),
    onProgress: () => progress++,
  });
  assert.equal(study.source, 'committed');
  assert.equal(study.run, undefined);
  assert.equal(calls.length + progress, 0, 'nothing ran');
  assert.equal(study.spec.name, 'smoke', "the file's spec, not the profile's");
  assert.deepEqual(
    study.records.map((r) => r.id),
    made.records.map((r) => r.id),
  );
  assert.deepEqual(study.provenance, [
    { path: join(dir, 'full', 'PROVENANCE.md'), text: 'command: study --profile smoke' },
    { path: join(dir, 'full', 'provenance-machine.txt'), text: '2 cores' },
  ]);
  const text = describeStudySource(study);
  assert.match(
    text,
    new RegExp(`^read ${runs} runs of the 'smoke' study from .*results\\.jsonl \\(created \\d{4}-`),
  );
  assert.match(
    text,
    /--- .*PROVENANCE\.md ---\ncommand: study --profile smoke\n--- .*provenance-machine\.txt ---\n2 cores$/,
  );
});

test('loadOrRunStudy: an unknown profile names the valid ones', async () => {
  await assert.rejects(
    loadOrRunStudy({ profile: 'huge', outDir: tmp(), executor: fakeExecutor() }),
    /valid profiles: smoke, quick, full/,
  );
});

test('describeEnvironment: one line from the first record; a placeholder without records', async () => {
  const study = await loadOrRunStudy({ profile: 'smoke', outDir: tmp(), executor: fakeExecutor() });
  const env = {
    ...study.records[0].env,
    cpu: 'Test CPU',
    cpuCount: 2,
    backend: 'tensorflow',
    tensorflowVersion: '2.9.1',
  };
  const record = { ...study.records[0], env: { ...env, commit: '0123456789abcdef', dirty: true } };
  assert.equal(
    describeEnvironment([record]),
    `machine: Test CPU × 2, backend tensorflow (TensorFlow 2.9.1), tfjs ${env.tfjsVersion}, node ${env.nodeVersion}, commit 0123456789 (dirty)`,
  );
  const bare = { ...record, env: { ...env, tensorflowVersion: undefined, commit: undefined, dirty: false } };
  assert.match(describeEnvironment([bare]), /\(TensorFlow -\), .* commit \?$/);
  assert.equal(describeEnvironment([]), 'machine: unknown (no runs)');
});

test('loadOrRunStudy with experiment: a committed file without it → only that experiment runs live', async () => {
  const dir = tmp();
  // A committed file with every smoke experiment but 'mechanism'.
  const smoke = profileSpec('smoke');
  const { runStudy } = await import('../../lib/study/run/runner');
  const without = await runStudy({
    spec: { ...smoke, experiments: smoke.experiments.filter((e) => e.name !== 'mechanism') },
    outDir: join(dir, 'full'),
    executor: fakeExecutor(),
  });
  const calls: string[] = [];
  const study = await loadOrRunStudy({
    committed: without.resultsPath,
    profile: 'smoke',
    experiment: 'mechanism',
    outDir: join(dir, 'live'),
    executor: fakeExecutor(calls),
  });
  assert.equal(study.source, 'live');
  assert.deepEqual(
    study.spec.experiments.map((e) => e.name),
    ['mechanism'],
  );
  // Its tuning runs (each kind at its own rate) and its evaluation runs, and nothing else.
  const planned = expandSpec(study.spec, study.records).runs.length;
  assert.ok(planned >= 6, 'at least none/batch/noisy-batch × 2 seeds');
  assert.equal(calls.length, planned);
  const evaluated = study.records.filter((r) => r.experiments.includes('mechanism'));
  assert.equal(evaluated.length, 6, 'none/batch/noisy-batch × 2 seeds');
  assert.ok(evaluated.every((r) => r.probes));
  assert.ok(
    study.records.every((r) => r.experiments.includes('mechanism') || r.experiments.includes('tuning')),
  );
  // Of several committed files, the first that has the experiment is read as it is.
  const read = await loadOrRunStudy({
    committed: [join(dir, 'absent.jsonl'), without.resultsPath, study.resultsPath],
    experiment: 'mechanism',
    executor: fakeExecutor(calls),
  });
  assert.equal(read.source, 'committed');
  assert.equal(read.resultsPath, study.resultsPath);
  assert.equal(calls.length, planned, 'nothing ran');
  await assert.rejects(
    loadOrRunStudy({
      profile: 'smoke',
      experiment: 'nope',
      outDir: join(dir, 'x'),
      executor: fakeExecutor(),
    }),
    /experiment 'nope' is not in profile 'smoke'; its experiments: headline, init, lr, batch, overhead, mechanism/,
  );
});
