/**
 * The data's identity: local Fashion-MNIST files are checked against the known SHA-256 sums of
 * their contents (whoever compressed them), so swapped train and test files, or a changed file,
 * are refused naming the file; the sums are recorded with the loaded data and in every run record
 * of the study.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FASHION_MNIST, loadFashionMnist } from '../../lib/data/fashion-mnist';
import { IDX_FILES, type IdxFileRole, sha256Hex } from '../../lib/data/idx-dataset';
import { runStudy } from '../../lib/study/run/runner';
import { validateSpec } from '../../lib/study/spec/schema';
import { validateResultsRecord } from '../../lib/study/store/results-schema';
import { fakeExecutor } from '../study/fake-executor';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const roles = Object.keys(IDX_FILES) as IdxFileRole[];

function copyOfDebian(): string {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-identity-'));
  for (const f of readdirSync(DEBIAN)) copyFileSync(join(DEBIAN, f), join(dir, f));
  return dir;
}

test('the known content sums are those of the files Debian ships', () => {
  for (const role of roles) {
    const raw = gunzipSync(readFileSync(join(DEBIAN, `${IDX_FILES[role]}.gz`)));
    assert.equal(sha256Hex(raw), FASHION_MNIST.contentSha256?.[role], role);
  }
});

test('swapped train and test image files are refused, naming both files', async () => {
  const dir = copyOfDebian();
  const train = join(dir, `${IDX_FILES.trainImages}.gz`);
  const test = join(dir, `${IDX_FILES.testImages}.gz`);
  const a = readFileSync(train);
  writeFileSync(train, readFileSync(test));
  writeFileSync(test, a);
  await assert.rejects(loadFashionMnist({ dir, download: false, trainSize: 10 }), (error: Error) => {
    assert.match(error.message, /train-images-idx3-ubyte\.gz holds the official t10k-images-idx3-ubyte/);
    assert.match(error.message, /swapped/);
    return true;
  });
});

test('a changed file (raw, one pixel edited) is refused as not the official file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-identity-'));
  for (const role of roles) {
    const raw = gunzipSync(readFileSync(join(DEBIAN, `${IDX_FILES[role]}.gz`)));
    if (role === 'testImages') raw[1000] ^= 0xff;
    writeFileSync(join(dir, IDX_FILES[role]), raw);
  }
  await assert.rejects(
    loadFashionMnist({ dir, download: false, trainSize: 10 }),
    /t10k-images-idx3-ubyte is not the official Fashion-MNIST file: the SHA-256 of its contents is [0-9a-f]{64}, expected [0-9a-f]{64}/,
  );
});

test('the loaded data carries the sums of its files; raw and gzip files give the same sums', async () => {
  const data = await loadFashionMnist({ dir: DEBIAN, download: false, trainSize: 10, testSize: 10 });
  assert.deepEqual(data.files, FASHION_MNIST.contentSha256);
  const dir = mkdtempSync(join(tmpdir(), 'normlab-identity-'));
  mkdirSync(dir, { recursive: true });
  for (const role of roles)
    writeFileSync(
      join(dir, IDX_FILES[role]),
      gunzipSync(readFileSync(join(DEBIAN, `${IDX_FILES[role]}.gz`))),
    );
  const raw = await loadFashionMnist({ dir, download: false, trainSize: 10, testSize: 10 });
  assert.deepEqual(raw.files, data.files);
});

test('every run record says which data it used; records without it still validate', async () => {
  const spec = validateSpec({
    name: 'identity',
    dataset: { source: 'synthetic', trainSize: 64, valSize: 16, testSize: 16 },
    defaults: { learningRate: 0.05, epochs: 1 },
    experiments: [{ name: 'x', claims: [1], archs: ['mlp'], norms: ['none', 'batch'], seeds: 1 }],
  });
  const identity = { name: 'fashion-mnist', files: FASHION_MNIST.contentSha256 };
  const base = fakeExecutor();
  const out = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-identity-')),
    executor: { execute: async (c, s) => ({ ...(await base.execute(c, s)), data: identity }) },
  });
  assert.deepEqual(out.records[0].data, identity);
  const line = JSON.parse(readFileSync(out.resultsPath, 'utf8').split('\n')[1]);
  assert.deepEqual(validateResultsRecord(line), line);
  const old = { ...line };
  delete old.data;
  validateResultsRecord(old);
  assert.throws(
    () => validateResultsRecord({ ...line, data: { name: 'x', files: { trainImages: 'nothex' } } }),
    /data/,
  );
});
