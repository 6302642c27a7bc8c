/**
 * Spec validation names the field and what it expects: non-finite numbers (1e400 in JSON parses
 * to Infinity) are refused at validation with their path, not later by the hash; a union field
 * given the wrong type (YAML `seeds: yes`) says which types it takes and what it got.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpecText } from '../../lib/study/spec/file';
import { validateSpec } from '../../lib/study/spec/schema';

const base = {
  name: 't',
  dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
  experiments: [{ name: 'x', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 1 }],
};

test('1e400 in a JSON spec is refused at validation, naming the field path', () => {
  const text = JSON.stringify({ ...base, defaults: { learningRate: 12345 } }).replace('12345', '1e400');
  assert.throws(
    () => parseSpecText(text, 'big.json'),
    /invalid study spec \(big\.json\):\n {2}- defaults\.learningRate: Infinity is not a finite number/,
  );
  const nested = JSON.stringify({
    ...base,
    experiments: [{ ...base.experiments[0], initScales: [1, 54321] }],
  }).replace('54321', '-1e999');
  assert.throws(
    () => parseSpecText(nested, 'n.json'),
    /experiments\[0\]\.initScales\[1\]: -Infinity is not a finite number/,
  );
  assert.throws(
    () => validateSpec({ ...base, defaults: { momentum: Number.NaN } }),
    /defaults\.momentum: NaN is not a finite number/,
  );
});

test('YAML `seeds: yes` names the field, the types it takes and what it got', () => {
  const yaml =
    'name: t\ndataset: {source: synthetic, trainSize: 64, valSize: 16, testSize: 16}\n' +
    'experiments:\n  - name: x\n    claims: [1]\n    archs: [mlp]\n    norms: [none, batch]\n    seeds: yes\n';
  assert.throws(
    () => parseSpecText(yaml, 's.yaml'),
    (error: Error) => {
      assert.match(
        error.message,
        /experiments\[0\]\.seeds: expected a number or an array, got the string "yes"/,
      );
      assert.doesNotMatch(error.message, /Invalid input/);
      return true;
    },
  );
});
