/**
 * The study CLI when stopped or pointed at a bad output: Ctrl-C in a terminal (a real pty through
 * `script`) and SIGTERM print what is saved and the exact command that resumes, restore the
 * cursor, and exit 130 / 143; the printed command then finishes the study. An `--out` that is a
 * file, or on a read-only file system, gets one sentence naming the option.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { loadResults } from '../../lib/study/store/results';

const root = join(__dirname, '..', '..');
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
// Every run of the study: the tuning stage and the runs at tuned rates it plans.
const initial = expandSpec(profileSpec('smoke'));
const planned = initial.runs.length + initial.pending.length;

function lines(path: string): number {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').length - 1 : 0;
}

async function until(predicate: () => boolean, child: ChildProcess, ms: number): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode})`);
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function collect(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return () => out;
}

/** The resume command the CLI printed, run in the project root: it must finish the study. */
function resume(output: string, results: string): void {
  const command = /resume with:\s*\n\s*(node --import tsx scripts\/study\.ts .*)/i.exec(output)?.[1];
  assert.ok(command, `a resume command in:\n${output}`);
  const r = spawnSync('bash', ['-c', command], { cwd: root, env, encoding: 'utf8', timeout: 150_000 });
  assert.equal(r.status, 0, r.stderr);
  const loaded = loadResults(results);
  assert.equal(loaded.runs.length, planned, 'the printed command finished the study');
}

test('Ctrl-C in a terminal: what is saved, the resume command, the cursor shown again, exit 130', {
  timeout: 240_000,
}, async () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-ctrl-c-'));
  const results = join(out, 'results.jsonl');
  // `script` gives the CLI a real terminal; ^C written to it reaches the CLI as SIGINT.
  const child = spawn(
    'script',
    ['-qefc', `node --import tsx scripts/study.ts --profile smoke --out '${out}'`, '/dev/null'],
    {
      cwd: root,
      env: { ...env, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const output = collect(child);
  await until(() => lines(results) >= 4, child, 150_000);
  child.stdin?.write('\x03');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const text = output();
  assert.equal(code, 130, text);
  const hidden = text.lastIndexOf('\x1b[?25l');
  assert.ok(hidden >= 0, 'the progress bar hid the cursor');
  assert.ok(text.indexOf('\x1b[?25h', hidden) > hidden, 'and it is shown again');
  const saved = loadResults(results).runs.length;
  assert.match(
    text,
    new RegExp(`interrupted \\(SIGINT\\): ${saved} of ${planned} runs are saved in ${results}`),
  );
  resume(text.replace(/\r/g, ''), results);
});

test('SIGTERM: what is saved and the resume command, exit 143', { timeout: 240_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'normlab-sigterm-'));
  const results = join(out, 'results.jsonl');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', out],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = collect(child);
  await until(() => lines(results) >= 4, child, 150_000);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.equal(code, 143, output());
  assert.match(
    output(),
    new RegExp(`interrupted \\(SIGTERM\\): \\d+ of ${planned} runs are saved in .*results\\.jsonl`),
  );
  assert.equal(existsSync(`${results}.lock`), false, 'the lock is released');
  resume(output(), results);
});

test('--out that is a file, or on a read-only file system: one sentence naming the option', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-out-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cli = (outDir: string) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/study.ts', '--profile', 'smoke', '--out', outDir],
      {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  for (const bad of [file, join(file, 'below')]) {
    const r = cli(bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`--out ${bad.replace(/[/.]/g, '\\$&')}: .*is a file, not a directory`));
    assert.doesNotMatch(r.stderr, /EEXIST|ENOTDIR|\n\s+at /);
  }
  if (process.getuid?.() !== 0) return; // the read-only case needs a read-only mount (root); root ignores chmod
  const ro = join(dir, 'ro');
  spawnSync('mkdir', [ro]);
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status, 0);
  try {
    const r = cli(join(ro, 'out'));
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /--out .*ro\/out: cannot write there \(read-only file system\); choose a directory you can write to/,
    );
    assert.doesNotMatch(r.stderr, /EROFS|EACCES|EPERM|\n\s+at /);
  } finally {
    spawnSync('umount', [ro]);
  }
});
