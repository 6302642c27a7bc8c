import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalJson, stableHash } from '../../lib/study/hash';
import { PROFILE_NAMES, profileSpec } from '../../lib/study/profiles';
import { expandSpec, parseShard, runId, shardRuns, validateSpec } from '../../lib/study/spec';
import { loadSpecFile, parseSpecText } from '../../lib/study/spec-file';

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
  const headline = full.experiments.find((e) => e.name === 'headline');
  assert.ok(
    headline && typeof headline.seeds === 'number' && headline.seeds >= 5,
    'full has >= 5 seeds on the headline',
  );
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
