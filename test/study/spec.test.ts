import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSpecFile, parseSpecText } from '../../lib/study/spec/file';
import { canonicalJson, stableHash } from '../../lib/study/spec/hash';
import { expandSpec } from '../../lib/study/spec/plan';
import { PROFILE_NAMES, profileSpec } from '../../lib/study/spec/profiles';
import type { RunRecord } from '../../lib/study/spec/records';
import { runId, type TrainRunConfig } from '../../lib/study/spec/run-config';
import { validateSpec } from '../../lib/study/spec/schema';
import { parseShard, shardRuns } from '../../lib/study/spec/shard';
import { fakeTrainRecord } from './fake-executor';

const minimal = {
  name: 't',
  dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
  experiments: [{ name: 'headline', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 2 }],
};

test('unknown architecture, norm kind, dataset and claim list the valid choices', () => {
  const bad = {
    ...minimal,
    dataset: { ...minimal.dataset, source: 'cifar' },
    experiments: [{ name: 'a', claims: [1, 10], archs: ['cnn'], norms: ['none', 'bn'], seeds: 2 }],
  };
  assert.throws(
    () => validateSpec(bad, 'bad.json'),
    (e: Error) =>
      /invalid study spec \(bad\.json\)/.test(e.message) &&
      /dataset\.source: unknown dataset "cifar"; valid: fashion-mnist, synthetic/.test(e.message) &&
      /experiments\[0\]\.archs\[0\]: unknown architecture "cnn"; valid: mlp, vgg, resnet/.test(e.message) &&
      /experiments\[0\]\.norms\[1\]: unknown norm kind "bn"; valid: none, batch, layer, instance, group, rms, batch-renorm, noisy-batch/.test(
        e.message,
      ) &&
      /claims\[1\]: unknown claim; valid: 1, 2, 3, 4, 5, 6, 7, 8, 9/.test(e.message),
  );
});

test('cross-field rules: a claim needs the experiment that can test it', () => {
  const bad = {
    ...minimal,
    experiments: [
      { name: 'a', claims: [4], archs: ['mlp'], norms: ['none', 'batch'], seeds: 2 },
      { name: 'a', claims: [7], archs: ['mlp'], norms: ['batch'], seeds: 1 },
    ],
  };
  assert.throws(
    () => validateSpec(bad),
    (e: Error) =>
      /claim 4 needs at least 2 initScales/.test(e.message) &&
      /duplicate experiment name 'a'/.test(e.message) &&
      /claim 7 \(compute overhead\) needs kind: overhead/.test(e.message) &&
      /claim 7 compares with 'none'/.test(e.message),
  );
  assert.throws(() => validateSpec({ ...minimal, extra: 1 }), /Unrecognized key\(s\) in object: 'extra'/);
});

test('unknown profile lists the valid profiles; every profile validates', () => {
  assert.throws(() => profileSpec('huge'), /unknown profile 'huge'; valid profiles: smoke, quick, full/);
  for (const p of PROFILE_NAMES) {
    const plan = expandSpec(profileSpec(p));
    assert.ok(plan.runs.length > 0, p);
    const claims = new Set(profileSpec(p).experiments.flatMap((e) => e.claims));
    assert.deepEqual([...claims].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9], `${p} covers every claim`);
  }
  const full = profileSpec('full');
  const headlines = full.experiments.filter((e) => e.claims.includes(1));
  assert.ok(headlines.length >= 3, 'a headline experiment per architecture');
  for (const e of headlines) {
    const n = typeof e.seeds === 'number' ? e.seeds : e.seeds.length;
    assert.ok(n >= (e.archs.includes('mlp') ? 10 : 5), `${e.name}: ${n} seeds`);
  }
  assert.equal(full.dataset.testSize, 10000, 'the official test set');
  assert.ok(full.tuning && full.tuning.learningRates[0] <= 0.003 && full.tuning.learningRates.at(-1)! >= 1);
});

test('spec files: YAML and JSON load; malformed text is reported as such', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-spec-'));
  const yamlPath = join(dir, 's.yaml');
  writeFileSync(
    yamlPath,
    'name: t\ndataset: { source: synthetic, trainSize: 64, valSize: 16, testSize: 16 }\nexperiments:\n  - { name: headline, claims: [1], archs: [mlp], norms: [none, batch], seeds: 2 }\n',
  );
  const jsonPath = join(dir, 's.json');
  writeFileSync(jsonPath, JSON.stringify(minimal));
  const a = loadSpecFile(yamlPath);
  const b = loadSpecFile(jsonPath);
  assert.equal(expandSpec(a).specHash, expandSpec(b).specHash, 'same spec, same hash, whatever the format');
  assert.equal(a.defaults.learningRate, 0.05, 'defaults filled in');
  assert.throws(
    () => parseSpecText('{"name": ', 'x.json', 'json'),
    /malformed study spec \(x\.json\): not valid JSON/,
  );
  assert.throws(
    () => parseSpecText('name: [unclosed', 'x.yaml', 'yaml'),
    /malformed study spec \(x\.yaml\): not valid YAML/,
  );
  assert.throws(() => parseSpecText('- 1\n- 2\n', 'x.yaml'), /expected an object/);
  assert.throws(() => loadSpecFile(join(dir, 'nope.yaml')), /does not exist/);
});

test('run ids are stable hashes of the config, independent of key order', () => {
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] }), '{"a":[2,{"c":0,"d":1}],"b":1}');
  assert.equal(stableHash({ a: 1, b: 2 }), stableHash({ b: 2, a: 1 }));
  assert.notEqual(stableHash({ a: 1 }), stableHash({ a: 2 }));
  const plan = expandSpec(validateSpec(minimal));
  for (const r of plan.runs) assert.equal(r.id, runId(r.config));
  assert.match(plan.runs[0].id, /^[0-9a-f]{16}$/);
});

test('expansion: shared runs are trained once; unsupported grid points are skipped with a reason', () => {
  const spec = validateSpec({
    ...minimal,
    experiments: [
      { name: 'headline', claims: [1], archs: ['mlp'], norms: ['none', 'batch', 'instance'], seeds: 2 },
      {
        name: 'lr',
        claims: [5],
        archs: ['mlp'],
        norms: ['none', 'batch'],
        learningRates: [0.05, 0.5],
        seeds: 2,
      },
    ],
  });
  const plan = expandSpec(spec);
  // headline: 2 norms x 2 seeds = 4; lr: 2 x 2 x 2 = 8, of which 4 (lr 0.05) are the headline's.
  assert.equal(plan.runs.length, 8);
  assert.equal(plan.runs.filter((r) => r.experiments.length === 2).length, 4);
  assert.deepEqual(
    plan.skipped.map((s) => `${s.arch}/${s.norm}`),
    ['mlp/instance'],
  );
  assert.match(plan.skipped[0].reason, /spatial/);
  assert.deepEqual(
    plan.runs.map((r) => r.config.seed),
    [0, 0, 0, 0, 1, 1, 1, 1],
    'seed-major order',
  );
});

test('shards are disjoint, deterministic and cover the plan', () => {
  const plan = expandSpec(profileSpec('quick'));
  const parts = [0, 1, 2].map((index) => shardRuns(plan.runs, { index, count: 3 }).map((r) => r.id));
  const all = parts.flat();
  assert.equal(new Set(all).size, plan.runs.length);
  assert.equal(all.length, plan.runs.length);
  assert.deepEqual(
    parts[1],
    shardRuns(expandSpec(profileSpec('quick')).runs, { index: 1, count: 3 }).map((r) => r.id),
  );
  assert.deepEqual(parseShard('1/4'), { index: 1, count: 4 });
  for (const bad of ['2/2', '1', 'a/b', '0/0'])
    assert.throws(() => parseShard(bad), /--shard must look like i\/n/);
});

const tunedSpec = {
  name: 'tuned',
  dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
  defaults: { learningRate: 'tuned', batchSize: 16 },
  tuning: { learningRates: [0.01, 0.1, 1], seeds: [100] },
  experiments: [
    { name: 'headline', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 2 },
    {
      name: 'batch',
      claims: [8],
      archs: ['mlp'],
      norms: ['batch', 'group'],
      batchSizes: [4, 16],
      lrScaling: 'linear',
      seeds: 2,
    },
  ],
};

/** A finished record of a planned tuning run whose validation accuracy peaks at `best`. */
function tuningRecord(id: string, config: TrainRunConfig, best: Record<string, number>): RunRecord {
  return fakeTrainRecord(id, config, ['tuning'], config.learningRate === best[config.norm] ? 0.9 : 0.8);
}

test('tuned rates: evaluation runs wait for their tuning runs, then take the best validation rate, deterministically', () => {
  const spec = validateSpec(tunedSpec);
  const first = expandSpec(spec);
  // 2 kinds of the headline + group of the batch experiment = 3 tuning targets x 3 rates x 1 seed.
  assert.equal(first.runs.filter((r) => r.stage === 'tuning').length, 9);
  assert.equal(first.runs.length, 9, 'nothing else is known before tuning');
  assert.equal(first.pending.length, 2 * 2 + 2 * 2 * 2);
  const best = { none: 0.01, batch: 1, group: 0.1 };
  const records = first.runs.map((r) => tuningRecord(r.id, r.config as TrainRunConfig, best));
  // Only batch norm's tuning finished: its runs are planned, the others still wait.
  const partial = expandSpec(
    spec,
    records.filter((r) => (r.config as TrainRunConfig).norm === 'batch'),
  );
  assert.ok(partial.pending.every((p) => p.norm !== 'batch'));
  const plan = expandSpec(spec, records);
  assert.equal(plan.pending.length, 0);
  const evaluation = plan.runs.filter((r) => r.stage === 'evaluation').map((r) => r.config as TrainRunConfig);
  for (const c of evaluation) {
    const scaled =
      c.batchSize === 4 ? best[c.norm as keyof typeof best] * (4 / 16) : best[c.norm as keyof typeof best];
    assert.equal(c.learningRate, scaled, `${c.norm} b${c.batchSize}: linear scaling from the tuned rate`);
  }
  assert.deepEqual(
    plan.tuned.map((p) => [p.norm, p.bestRate]),
    [
      ['none', 0.01],
      ['batch', 1],
      ['group', 0.1],
    ],
  );
  assert.deepEqual(expandSpec(spec, [...records].reverse()), plan, 'a resumed study makes the same plan');
  // Shards: every run of one tuned arch x kind lands in the shard of its tuning runs.
  for (const count of [2, 3]) {
    const shardOf = new Map<string, number>();
    for (let index = 0; index < count; index++)
      for (const r of shardRuns(plan.runs, { index, count })) {
        const key = `${r.config.arch}/${(r.config as TrainRunConfig).norm}`;
        assert.equal(shardOf.get(key) ?? index, index, key);
        shardOf.set(key, index);
      }
  }
});

test('tuning seeds must be disjoint from the evaluation seeds; a tuned rate needs a tuning section', () => {
  assert.throws(
    () => validateSpec({ ...tunedSpec, experiments: [{ ...tunedSpec.experiments[0], seeds: [0, 100] }] }),
    /seed 100 is also a tuning seed: evaluation seeds must be disjoint from tuning.seeds/,
  );
  const { tuning: _, ...noTuning } = tunedSpec;
  assert.throws(() => validateSpec(noTuning), /learning rate 'tuned' needs a tuning section/);
  assert.throws(
    () => validateSpec({ ...tunedSpec, experiments: [{ ...tunedSpec.experiments[0], name: 'tuning' }] }),
    /'tuning' is the name of the tuning stage/,
  );
});
