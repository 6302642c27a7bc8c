/**
 * The study CLI against hostile but realistic input: a damaged tuning record does not take the
 * runs planned from it out of the report; `--report-only` says when it ignored a torn last line
 * and prints its summary even from a read-only folder; a spec name or a shard header cannot send
 * results outside the folder the user chose; a full disk while writing the report keeps the old
 * report and says how to regenerate it; Ctrl-C while waiting for another study's lock says what is
 * saved and that nothing was in progress.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runStudy } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { validateSpec } from '../../lib/study/spec/schema';
import { loadResults } from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

const root = join(__dirname, '..', '..');
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
const spec = profileSpec('smoke');
const initial = expandSpec(spec);
const total = initial.runs.length + initial.pending.length;
const isRoot = process.getuid?.() === 0;
const tmp = () => mkdtempSync(join(tmpdir(), 'normlab-cli-hard-'));

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'study.ts'), ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

async function finishedStudy(dir: string, maxRuns?: number): Promise<string> {
  const out = await runStudy({ spec, outDir: dir, executor: fakeExecutor(), maxRuns });
  return out.resultsPath;
}

test('--report-only with one damaged tuning record: the other runs count, none is called "not in the plan"', async () => {
  const dir = tmp();
  const path = await finishedStudy(dir);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const index = lines.findIndex((l, i) => i > 0 && JSON.parse(l).experiments.includes('tuning'));
  const record = JSON.parse(lines[index]);
  record.metrics.testAccuracy = 5;
  lines[index] = JSON.stringify(record);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const r = runCli(['--out', dir, '--report-only']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 line\(s\) of .* failed the checks/);
  assert.doesNotMatch(r.stdout, /not in the plan/);
  assert.match(r.stdout, new RegExp(`\\(${total - 1} of ${total} runs`));
});

test('--report-only says when it ignored a torn last line', async () => {
  const dir = tmp();
  const path = await finishedStudy(dir, 3);
  appendFileSync(path, '{"type":"run","id":"0123');
  const r = runCli(['--out', dir, '--report-only']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /the last line of .*results\.jsonl is torn .*not counted/);
});

test('a spec name that is not a file name is refused, naming the field and what it takes', () => {
  const base = {
    dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
    experiments: [{ name: 'x', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 1 }],
  };
  for (const name of ['../../../somewhere', 'a/b', '.hidden', '..', 'with space'])
    assert.throws(
      () => validateSpec({ ...base, name }),
      /name: .*a folder name.*letters, digits/,
      JSON.stringify(name),
    );
  assert.equal(validateSpec({ ...base, name: 'my-study_2.v1' }).name, 'my-study_2.v1');
  const dir = tmp();
  const file = join(dir, 'escape.json');
  const target = `escaped-${process.pid}`;
  writeFileSync(file, JSON.stringify({ ...base, name: `../../${target}` }));
  const r = runCli(['--spec', file, '--max-runs', '0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /name: .*a folder name/);
  assert.equal(existsSync(join(root, '..', target)), false, 'nothing written outside results/');
});

test('--merge writes beside the shard files (or to --out), never where a shard header names', async () => {
  const dir = tmp();
  for (const index of [0, 1])
    await runStudy({ spec, outDir: dir, executor: fakeExecutor(), shard: { index, count: 2 } });
  const shards = readdirSync(dir)
    .filter((f) => f.startsWith('results.shard-'))
    .map((f) => join(dir, f));
  const target = `escaped-${process.pid}`;
  for (const shard of shards) {
    const lines = readFileSync(shard, 'utf8').split('\n');
    const header = JSON.parse(lines[0]);
    header.specName = `../../${target}`;
    lines[0] = JSON.stringify(header);
    writeFileSync(shard, lines.join('\n'));
  }
  const cwd = join(root, 'results');
  const r = runCli(['--merge', ...shards]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(loadResults(join(dir, 'results.jsonl')).runs.length, total, 'merged beside the shards');
  assert.equal(existsSync(join(cwd, '..', '..', target)), false);
  assert.equal(existsSync(join(root, target)), false);
  const elsewhere = tmp();
  const other = join(elsewhere, 'other');
  mkdirSync(other);
  const mixed = runCli(['--merge', shards[0], join(other, 'x.jsonl')]);
  assert.equal(mixed.status, 1);
  assert.match(mixed.stderr, /--merge: the files are in different folders .* --out/);
});

test('a full disk while writing the report: the old report stays, the message names the file and how to regenerate it', {
  skip: isRoot ? false : 'needs root to mount a small tmpfs',
  timeout: 120_000,
}, async () => {
  const dir = tmp();
  const path = await finishedStudy(dir);
  const size = readFileSync(path).length;
  const mount = join(tmp(), 'disk');
  mkdirSync(mount);
  const kib = Math.ceil((size + 64 * 1024) / 1024);
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', mount]).status, 0);
  try {
    writeFileSync(join(mount, 'results.jsonl'), readFileSync(path));
    writeFileSync(join(mount, 'report.html'), '<p>the good report</p>');
    const r = runCli(['--out', mount, '--report-only']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /Per-claim summary/, 'the summary is printed first');
    assert.match(
      r.stderr,
      /could not write the report .*disk\/report\.html \(no space left on the device\).*previous report is unchanged.*--report-only/s,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(readFileSync(join(mount, 'report.html'), 'utf8'), '<p>the good report</p>');
    assert.deepEqual(readdirSync(mount).sort(), ['report.html', 'results.jsonl'], 'no temporary file left');
  } finally {
    spawnSync('umount', [mount]);
  }
});

test('--report-only on a read-only folder prints the summary and says the report was not written', {
  skip: isRoot ? false : 'needs root to mount a read-only tmpfs (root ignores chmod)',
  timeout: 120_000,
}, async () => {
  const dir = tmp();
  const path = await finishedStudy(dir, 5);
  const mount = join(tmp(), 'ro');
  mkdirSync(mount);
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).status, 0);
  try {
    writeFileSync(join(mount, 'results.jsonl'), readFileSync(path));
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mount]).status, 0);
    const r = runCli(['--out', mount, '--report-only']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Per-claim summary \(5 of/);
    assert.match(r.stderr, /report\.html was not written \(read-only file system\)/);
  } finally {
    spawnSync('umount', [mount]);
  }
});

async function until(predicate: () => boolean, child: ChildProcess, ms: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode})`);
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("Ctrl-C while --wait waits for another study: the saved count is the file's, and nothing was in progress", {
  timeout: 120_000,
}, async () => {
  const dir = tmp();
  const path = await finishedStudy(dir, 6);
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'store-child.ts'), 'hold', path],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    let held = '';
    holder.stdout?.on('data', (d) => (held += d));
    await until(() => held.includes('held'), holder, 60_000);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', dir, '--wait'],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    await until(() => output.includes('waiting:'), child, 60_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 130, output);
    assert.match(output, new RegExp(`interrupted \\(SIGINT\\): 6 of ${total} runs are saved in `));
    assert.match(output, /still waiting for the results file .*trained nothing/);
    assert.doesNotMatch(output, /the run in progress/);
  } finally {
    holder.kill('SIGKILL');
  }
});

test('batch sizes larger than the training set are refused at validation, naming the field', () => {
  const base = {
    name: 't',
    dataset: { source: 'synthetic', trainSize: 256, valSize: 16, testSize: 16 },
    defaults: { learningRate: 0.05 },
  };
  assert.throws(
    () =>
      validateSpec({
        ...base,
        experiments: [
          {
            name: 'b',
            claims: [8],
            archs: ['mlp'],
            norms: ['none', 'batch'],
            batchSizes: [32, 1000000],
            seeds: 2,
          },
        ],
      }),
    /experiments\[0\]\.batchSizes: batch size 1000000 is larger than the 256 training examples/,
  );
  assert.throws(
    () =>
      validateSpec({
        ...base,
        defaults: { learningRate: 0.05, batchSize: 512 },
        experiments: [{ name: 'x', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 1 }],
      }),
    /defaults\.batchSize 512 is larger than the 256 training examples/,
  );
});
