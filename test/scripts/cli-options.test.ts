/**
 * The command lines of scripts/ and bench/: commander with the value parsers of
 * scripts/cli-options.ts. Bad input is an error that names the option and what it takes, and the
 * script stops before doing any work.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { oneOf, positiveNumber, someOf, wholeNumber } from '../../scripts/cli-options';

const ROOT = join(__dirname, '..', '..');

function run(script: string, args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('the value parsers take what they say and name what they take otherwise', () => {
  assert.equal(wholeNumber(1)('12'), 12);
  assert.equal(wholeNumber(0, 3)('0'), 0);
  for (const bad of ['0', '1.5', 'x', '', ' ', '1e400'])
    assert.throws(
      () => wholeNumber(1)(bad),
      (e: Error) => e instanceof InvalidArgumentError && /whole number >= 1/.test(e.message),
    );
  assert.throws(() => wholeNumber(1, 100)('101'), /whole number from 1 to 100/);
  assert.equal(positiveNumber('0.05'), 0.05);
  for (const bad of ['0', '-1', 'NaN', 'Infinity', ''])
    assert.throws(() => positiveNumber(bad), /number > 0/);
  assert.deepEqual(someOf(['mlp', 'vgg', 'resnet'])('vgg,mlp'), ['vgg', 'mlp']);
  assert.throws(() => someOf(['mlp', 'vgg'])('mlp,alexnet'), /Unknown: alexnet; .*some of mlp, vgg/);
  assert.equal(oneOf(['a', 'b'])('b'), 'b');
  assert.throws(() => oneOf(['a', 'b'])('c'), /one of a, b/);
});

test('a script given a bad value stops with an error naming the option and the allowed values', () => {
  const docs = run('scripts/docs/build.ts', ['--notebooks', 'sometimes']);
  assert.equal(docs.status, 1);
  assert.match(
    docs.stderr,
    /option '--notebooks <policy>' argument 'sometimes' is invalid\. Allowed choices are fresh, reuse, skip/,
  );
  assert.doesNotMatch(docs.stdout, /\[docs\] notebooks/, 'nothing was built');

  const sample = run('scripts/docs/make-fashion-sample.ts', ['--per-class=0']);
  assert.equal(sample.status, 1);
  assert.match(
    sample.stderr,
    /option '--per-class <n>' argument '0' is invalid\. It takes a whole number from 1 to 100/,
  );

  const budget = run('bench/study-budget.ts', ['huge']);
  assert.equal(budget.status, 1);
  assert.match(
    budget.stderr,
    /'huge' is invalid for argument 'profile'\. It takes one of smoke, quick, full, paper/,
  );

  const tests = run('scripts/run-tests.ts', ['--only', 'x']);
  assert.equal(tests.status, 1);
  assert.match(tests.stderr, /unknown option '--only'/);
});

test('a script given good values runs with them', () => {
  const budget = run('bench/study-budget.ts', ['smoke', '2', '30', '75']);
  assert.equal(budget.status, 0, budget.stderr);
  assert.match(
    budget.stdout,
    /^smoke: \d+ runs, about \d+ min at \{"mlp":2,"vgg":30,"resnet":75\} ms\/step/m,
  );
  const provenance = run('scripts/study-provenance.ts', ['--help']);
  assert.equal(provenance.status, 0);
  assert.match(provenance.stdout, /results\s+the results file \(default: "results\/full\/results\.jsonl"\)/);
});
