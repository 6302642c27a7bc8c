/**
 * scripts/study-acceptance.ts on a study of the fake executor: each check passes where the results
 * meet it and fails, naming the numbers, where they do not.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { plateauGains } from '../../lib/study/claims/scorecard';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { acceptanceChecks, plateauCheck, runCodeChanges } from '../../scripts/study-acceptance';
import { fakeExecutor } from '../study/fake-executor';

test('acceptance checks: complete, edges, the batch control and the mechanism budget', async () => {
  const spec = profileSpec('smoke');
  const { records } = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-acceptance-')),
    executor: fakeExecutor(),
  });
  const byName = (checks: ReturnType<typeof acceptanceChecks>, name: string) => {
    const c = checks.find((k) => k.name.startsWith(name));
    assert.ok(c, `a check named ${name}: ${checks.map((k) => k.name).join(', ')}`);
    return c;
  };
  const checks = acceptanceChecks(spec, records);
  assert.equal(byName(checks, 'complete').ok, true, byName(checks, 'complete').detail);
  // The fake runs peak at 0.1, outside smoke's two-rate grid [0.03, 0.3], which does not grow.
  const edge = byName(checks, 'no tuned rate at an edge');
  assert.equal(edge.ok, false);
  assert.match(edge.detail, /at an edge: mlp\/none b\d+ \d+×\d+: 0\.(03|3) of 0\.03–0\.3/);
  // No norm's fake accuracy does not depend on the batch size: the control holds.
  const control = byName(checks, 'batch control (mlp/none');
  assert.equal(control.ok, true, control.detail);
  assert.match(control.detail, /spread 0\.0 points/);
  // Smoke's mechanism runs train a few steps, far from 1,000.
  const steps = byName(checks, 'mechanism runs ≥ 1000 steps');
  assert.equal(steps.ok, false);
  assert.match(steps.detail, /the fewest steps \d{1,3}$/);
  // One run fewer: incomplete.
  const partial = acceptanceChecks(spec, records.slice(1));
  assert.equal(byName(partial, 'complete').ok, false);
  assert.match(byName(partial, 'complete').detail, /; 1 planned run missing$/);
});

test('provenance: the code that makes runs is lib/ (but the read-only rooms) and native/', () => {
  const repo = mkdtempSync(join(tmpdir(), 'normlab-run-code-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  const commit = (path: string, text: string) => {
    mkdirSync(join(repo, dirname(path)), { recursive: true });
    writeFileSync(join(repo, path), text);
    git('add', '-A');
    git('commit', '-qm', path);
    return git('rev-parse', 'HEAD');
  };
  try {
    git('init', '-q');
    const base = commit('lib/norm/layer.ts', 'a');
    const readSide = [
      commit('lib/study/claims/claims.ts', 'rule'),
      commit('lib/report/html.ts', 'x'),
      commit('lib/plot/bars.ts', 'x'),
      commit('docs/index.md', 'x'),
    ];
    assert.deepEqual(runCodeChanges(base, readSide[readSide.length - 1], repo), []);
    const kernel = commit('native/kernels/ops.cc', 'x');
    assert.deepEqual(runCodeChanges(base, kernel, repo), ['native/kernels/ops.cc']);
    const training = commit('lib/study/run/runner.ts', 'x');
    assert.deepEqual(runCodeChanges(kernel, training, repo), ['lib/study/run/runner.ts']);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('plateau: a baseline still rising fails, one at a plateau passes, other kinds are not held', () => {
  const run = (arch: string, norm: string, acc: number[]) =>
    ({
      config: { arch, norm },
      metrics: { diverged: false },
      history: { epochs: acc.map((valAccuracy, i) => ({ epoch: i + 1, valAccuracy })) },
    }) as never;
  const records = [
    run('vgg', 'none', [0.8, 0.9, 0.902, 0.905]), // +0.5 points: the bound itself is not a plateau
    run('mlp', 'none', [0.8, 0.86, 0.8605, 0.8607]),
    run('mlp', 'batch', [0.8, 0.83, 0.87, 0.89]),
  ];
  const gains = plateauGains(records);
  assert.deepEqual(
    gains.map((g) => [g.key, g.baseline, g.atPlateau]),
    [
      ['mlp/batch', false, true],
      ['mlp/none', true, true],
      ['vgg/none', true, false],
    ],
  );
  const checks = gains.map(plateauCheck);
  assert.deepEqual(
    checks.map((c) => c.ok),
    [true, true, false],
  );
  assert.match(checks[2].detail, /^vgg\/none: .*0\.50 points.*still rising/);
  assert.match(checks[1].detail, /: at a plateau$/);
});
