/**
 * Runs in a process of their own (claim 7's timing replicates): the real child script times the
 * smoke profile's overhead run on the native backend and relays its progress; every run gets a new
 * process; a child that fails or breaks the protocol gives an error with its status and stderr;
 * other runs stay in this process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { executeInChild, ownProcessExecutor } from '../../lib/study/run/own-process';
import type { RunExecutor, RunOutcome } from '../../lib/study/run/runner';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import type { OverheadRunMetrics } from '../../lib/study/spec/records';
import type { RunConfig } from '../../lib/study/spec/run-config';

const root = join(__dirname, '..', '..');
const smoke = expandSpec(profileSpec('smoke'));
const overheadConfig = smoke.runs.find((r) => r.config.kind === 'overhead')!.config;
const trainConfig = smoke.runs.find((r) => r.config.kind === 'train')!.config;

/** A child written for the test: node runs `body` with the stdin document parsed as `input`. */
function fakeChild(body: string) {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-child-'));
  const file = join(dir, 'child.js');
  writeFileSync(
    file,
    `let s = ''; process.stdin.on('data', (c) => (s += c)); process.stdin.on('end', () => { const input = JSON.parse(s); ${body} });\n`,
  );
  return { command: process.execPath, args: [file] };
}

test('the real child script times the smoke overhead run on the native backend and relays progress', {
  timeout: 120_000,
}, async () => {
  assert.equal(overheadConfig.kind, 'overhead');
  const baseline = tf.memory().numTensors;
  const steps: number[] = [];
  const outcome = await executeInChild(
    { command: process.execPath, args: ['--import', 'tsx', join(root, 'scripts', 'study-run-child.ts')] },
    overheadConfig,
    (p) => steps.push(p.step),
  );
  const timings = (outcome.metrics as OverheadRunMetrics).timings;
  const norms = overheadConfig.kind === 'overhead' ? overheadConfig.norms : [];
  assert.equal(timings.length, norms.length, 'one timing per norm kind');
  for (const t of timings)
    assert.ok(Object.values(t).every((v) => typeof v !== 'number' || Number.isFinite(v)));
  assert.ok(
    steps.length > 0 && steps.every((s, i) => i === 0 || s >= steps[i - 1]),
    'progress relayed, rising',
  );
  assert.equal(outcome.data?.name, 'synthetic');
  assert.equal(tf.memory().numTensors, baseline, 'no tensor in this process');
});

test('every run gets a process of its own', async () => {
  const child = fakeChild(
    "console.log(JSON.stringify({ step: { step: 1, totalSteps: 2 } })); console.log(JSON.stringify({ outcome: { metrics: { timings: [] }, data: { name: String(process.pid) + ':' + input.config.kind + ':' + input.extra } } }));",
  );
  const pids = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const out = await executeInChild({ ...child, input: { extra: 'x' } }, overheadConfig);
    const [pid, kind, extra] = out.data!.name.split(':');
    assert.equal(kind, 'overhead', 'the config reached the child');
    assert.equal(extra, 'x', 'the extra input reached the child');
    assert.notEqual(Number(pid), process.pid);
    pids.add(pid);
  }
  assert.equal(pids.size, 3, 'three runs, three processes');
});

test('a child that fails, writes no outcome or prints a non-JSON line: a clear error', async () => {
  await assert.rejects(
    executeInChild(fakeChild("console.error('the dataset is missing'); process.exit(3);"), overheadConfig),
    /own process exited with status 3; it wrote no outcome\.\nIts last output on stderr:\nthe dataset is missing/,
  );
  await assert.rejects(
    executeInChild(fakeChild('process.exit(0);'), overheadConfig),
    /exited with status 0; it wrote no outcome/,
  );
  await assert.rejects(
    executeInChild(
      fakeChild(
        "console.log('hello'); console.log(JSON.stringify({ outcome: { metrics: { timings: [] } } }));",
      ),
      overheadConfig,
    ),
    /a line that is not JSON: hello/,
  );
  await assert.rejects(
    executeInChild({ command: join(tmpdir(), 'no-such-node-binary'), args: [] }, overheadConfig),
    /could not start the run's own process/,
  );
});

test('only the selected runs leave this process', async () => {
  const seen: RunConfig['kind'][] = [];
  const inner: RunExecutor = {
    execute: async (config): Promise<RunOutcome> => {
      seen.push(config.kind);
      return { metrics: { timings: [] } };
    },
  };
  const child = fakeChild(
    "console.log(JSON.stringify({ outcome: { metrics: { timings: [] }, data: { name: 'child' } } }));",
  );
  const executor = ownProcessExecutor(inner, child);
  assert.equal((await executor.execute(overheadConfig)).data?.name, 'child');
  await executor.execute(trainConfig);
  assert.deepEqual(seen, ['train'], 'the train run ran in this process, the overhead run did not');
});
