/**
 * The study CLI as a user runs it: a real child process on the real trainer (smoke profile,
 * synthetic data), killed with SIGKILL midway and rerun; bad input; the report.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { validateResultsRecord } from '../../lib/study/store/results-schema';

const root = join(__dirname, '..', '..');
const cli = ['--import', 'tsx', join(root, 'scripts', 'study.ts')];
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...cli, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function completeLines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean);
}

async function waitFor(predicate: () => boolean, child: ChildProcess, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (child.exitCode !== null)
      throw new Error(`the study exited (code ${child.exitCode}) before the condition`);
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the study');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('SIGKILL midway, rerun: no finished run is redone, none is lost, the file validates', {
  timeout: 150_000,
}, async () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-cli-'));
  const results = join(out, 'results.jsonl');
  // Runs at tuned rates are planned once the tuning runs are done: count them from the start.
  const initial = expandSpec(profileSpec('smoke'));
  const planned = initial.runs.length + initial.pending.length;
  const child = spawn(process.execPath, [...cli, '--profile', 'smoke', '--out', out], {
    cwd: root,
    env,
    stdio: 'ignore',
  });
  // Header + at least 4 finished runs, then kill without warning.
  await waitFor(() => completeLines(results).length >= 5, child, 90_000);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const before = completeLines(results);
  const finishedBefore = before.slice(1).map((l) => JSON.parse(l).id as string);
  assert.ok(
    finishedBefore.length >= 4 && finishedBefore.length < planned,
    `killed midway (${finishedBefore.length} of ${planned})`,
  );

  const rerun = runCli(['--profile', 'smoke', '--out', out]);
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.match(rerun.stderr, new RegExp(`study: ${planned} runs, ${finishedBefore.length} already done`));
  const trainedNow = rerun.stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l)).length;
  assert.equal(trainedNow, planned - finishedBefore.length, 'the rerun trains exactly the missing runs');

  const after = completeLines(results);
  assert.equal(readFileSync(results, 'utf8').endsWith('\n'), true);
  assert.deepEqual(
    after.slice(0, before.length),
    before,
    'every line written before the kill is still there, unchanged',
  );
  const ids = after.slice(1).map((l) => JSON.parse(l).id as string);
  assert.equal(ids.length, planned, 'every planned run once');
  assert.equal(new Set(ids).size, planned, 'no run twice');
  const resolved = expandSpec(
    profileSpec('smoke'),
    after.slice(1).map((l) => JSON.parse(l)),
  );
  assert.equal(resolved.pending.length, 0);
  assert.deepEqual(new Set(ids), new Set(resolved.runs.map((r) => r.id)));
  for (const line of after) validateResultsRecord(JSON.parse(line));

  // The end of a finished study: the per-claim summary and the offline report.
  assert.match(
    rerun.stdout,
    new RegExp(`Per-claim summary \\(${planned} of ${planned} runs; spec 'smoke'\\)`),
  );
  for (let c = 1; c <= 8; c++)
    assert.match(
      rerun.stdout,
      new RegExp(`Claim ${c}\\. .*: (HOLDS|DOES NOT HOLD|DEPENDS|INCONCLUSIVE|NOT TESTED|UNDER REVISION)`),
    );
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Claim scorecard/);
  assert.ok(html.includes('Plotly.newPlot(') && html.length > 1_000_000, 'plotly inlined, figures drawn');
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');

  // --report-only reads the same file without training.
  const again = runCli(['--profile', 'smoke', '--out', out, '--report-only']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`Per-claim summary \\(${planned} of ${planned} runs`));
});

test('bad input: unknown profile, malformed spec, unknown arch/kind, bad shard, another spec, missing data dir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-cli-bad-'));
  let r = runCli(['--profile', 'huge']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /argument 'huge' is invalid\. Allowed choices are smoke, quick, full/);

  writeFileSync(join(dir, 'broken.yaml'), 'name: [unclosed\n');
  r = runCli(['--spec', join(dir, 'broken.yaml')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /malformed study spec .*broken\.yaml.*not valid YAML/);

  writeFileSync(
    join(dir, 'bad.json'),
    JSON.stringify({
      name: 'bad',
      dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
      experiments: [{ name: 'x', claims: [1], archs: ['alexnet'], norms: ['none', 'batchnorm'], seeds: 1 }],
    }),
  );
  r = runCli(['--spec', join(dir, 'bad.json')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown architecture "alexnet"; valid: mlp, vgg, resnet/);
  assert.match(r.stderr, /unknown norm kind "batchnorm"; valid: none, batch, layer, instance, group/);

  r = runCli(['--profile', 'smoke', '--shard', '2/2', '--out', dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--shard must look like i\/n with 0 <= i < n/);

  // A results file of the smoke spec, then the quick spec into the same directory: refused, file kept.
  const smokeHeader = {
    type: 'header',
    format: 'normlab-study-results',
    formatVersion: 2,
    specHash: expandSpec(profileSpec('smoke')).specHash,
    specName: 'smoke',
    spec: profileSpec('smoke'),
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, 'results.jsonl'), `${JSON.stringify(smokeHeader)}\n`);
  const before = readFileSync(join(dir, 'results.jsonl'), 'utf8');
  r = runCli(['--profile', 'quick', '--out', dir, '--max-runs', '0']);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /belongs to another spec: 'smoke'.*but this study is 'quick'.*Refusing to mix them; nothing was changed/s,
  );
  assert.equal(readFileSync(join(dir, 'results.jsonl'), 'utf8'), before);

  r = runCli([
    '--profile',
    'quick',
    '--out',
    join(dir, 'q'),
    '--data-dir',
    join(dir, 'no-such-dir'),
    '--max-runs',
    '1',
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /fashion-mnist: --data-dir is .*no-such-dir, but it lacks train-images-idx3-ubyte/);
  assert.doesNotMatch(r.stderr, /option dir/, "the CLI's own option name");
  assert.equal(
    completeLines(join(dir, 'q', 'results.jsonl')).length,
    1,
    'only the header: nothing half-written',
  );
});

test('--help lists every option', () => {
  const r = runCli(['--help']);
  assert.equal(r.status, 0);
  for (const opt of [
    '--profile',
    '--spec',
    '--out',
    '--shard',
    '--merge',
    '--report-only',
    '--data-dir',
    '--no-download',
    '--max-runs',
    '--wait',
    '--repair',
    '--only-experiments',
    '--skip-experiments',
  ])
    assert.ok(r.stdout.includes(opt), opt);
  assert.match(r.stdout, /choices:\s+"smoke",\s+"quick",\s+"full"/);
});
