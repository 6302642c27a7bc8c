import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { FASHION_MNIST, loadFashionMnist, loadMnist } from '../../lib/data/fashion-mnist';
import { IDX_FILES, locateIdxDataset, sha256Hex } from '../../lib/data/idx-dataset';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const tmp = mkdtempSync(join(tmpdir(), 'normlab-data-'));
const nowhere = join(tmp, 'nowhere');
let server: Server;
let baseUrl = '';
let corrupt = false;
const requests: string[] = [];

before(async () => {
  delete process.env.FASHION_MNIST_DIR;
  delete process.env.MNIST_DIR;
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = (req.url ?? '').slice(1);
    const path = join(DEBIAN, basename(name));
    if (name !== basename(name) || !existsSync(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(path);
    if (corrupt) body[body.length - 1] ^= 0xff;
    res.writeHead(200, { 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

after(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A directory with copies of the Debian files (raw names only for the listed roles). */
function copyOf(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(DEBIAN)) copyFileSync(join(DEBIAN, f), join(dir, f));
  return dir;
}

test('the recorded checksums are those of the Debian (official) files', () => {
  for (const [role, name] of Object.entries(IDX_FILES)) {
    const sum = sha256Hex(readFileSync(join(DEBIAN, `${name}.gz`)));
    assert.equal(sum, FASHION_MNIST.sha256?.[role as keyof typeof IDX_FILES]);
  }
});

test('search order: explicit dir, then env var, then system dir, then cache', async () => {
  const explicit = copyOf('explicit');
  const fromEnv = copyOf('env');
  const cache = copyOf('cache');
  const base = { cacheDir: cache, download: false };
  process.env.FASHION_MNIST_DIR = fromEnv;
  try {
    assert.deepEqual(await locateIdxDataset(FASHION_MNIST, { ...base, dir: explicit }), {
      dir: explicit,
      step: 'explicit',
    });
    assert.deepEqual(await locateIdxDataset(FASHION_MNIST, base), { dir: fromEnv, step: 'env' });
    process.env.FASHION_MNIST_DIR = nowhere;
    await assert.rejects(
      locateIdxDataset(FASHION_MNIST, base),
      /FASHION_MNIST_DIR is .*nowhere, but it lacks train-images-idx3-ubyte/,
    );
  } finally {
    delete process.env.FASHION_MNIST_DIR;
  }
  assert.deepEqual(await locateIdxDataset(FASHION_MNIST, base), { dir: DEBIAN, step: 'system' });
  assert.deepEqual(await locateIdxDataset(FASHION_MNIST, { ...base, systemDir: nowhere }), {
    dir: cache,
    step: 'cache',
  });
  await assert.rejects(
    locateIdxDataset(FASHION_MNIST, { dir: nowhere }),
    /option dir is .*nowhere, but it lacks/,
  );
});

test('a missing dataset lists the ways to get it', async () => {
  await assert.rejects(
    loadFashionMnist({ systemDir: nowhere, cacheDir: join(tmp, 'empty-cache'), download: false }),
    (error: Error) => {
      assert.match(error.message, /fashion-mnist not found/);
      assert.match(error.message, /option dir/);
      assert.match(error.message, /FASHION_MNIST_DIR=/);
      assert.match(error.message, /apt-get install dataset-fashion-mnist/);
      assert.match(error.message, /empty-cache/);
      return true;
    },
  );
  await assert.rejects(
    loadMnist({ systemDir: nowhere, cacheDir: join(tmp, 'mnist-cache') }),
    /mnist not found[\s\S]*MNIST_DIR=/,
  );
});

test('downloads the four files from a 127.0.0.1 server into the cache, verified, then uses the cache', async () => {
  const cacheDir = join(tmp, 'download-cache');
  requests.length = 0;
  const located = await locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, baseUrl });
  assert.deepEqual(located, { dir: cacheDir, step: 'download' });
  assert.equal(requests.length, 4);
  for (const name of Object.values(IDX_FILES)) {
    assert.deepEqual(readFileSync(join(cacheDir, `${name}.gz`)), readFileSync(join(DEBIAN, `${name}.gz`)));
  }
  const again = await locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, baseUrl });
  assert.deepEqual(again, { dir: cacheDir, step: 'cache' });
  assert.equal(requests.length, 4, 'the second call downloads nothing');
});

test('a download with a wrong checksum is refused and leaves no file', async () => {
  const cacheDir = join(tmp, 'corrupt-cache');
  corrupt = true;
  try {
    await assert.rejects(
      locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, baseUrl }),
      /checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz/,
    );
  } finally {
    corrupt = false;
  }
  assert.deepEqual(readdirSync(cacheDir), []);
  await assert.rejects(
    locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, baseUrl: `${baseUrl}missing/` }),
    /download of .* failed: HTTP 404/,
  );
});

test('loads Fashion-MNIST with a seeded validation split, scaled pixels and subsets', async () => {
  const data = await loadFashionMnist({ trainSize: 1000, testSize: 500, splitSeed: 1 });
  assert.equal(data.train.count, 1000);
  assert.equal(data.validation.count, 5000);
  assert.equal(data.test.count, 500);
  assert.equal(data.train.height, 28);
  assert.equal(data.train.channels, 1);
  assert.equal(data.train.images.length, 1000 * 784);
  let max = 0;
  for (const v of data.train.images) max = Math.max(max, v);
  assert.equal(max, 1);
  assert.equal(data.classNames[9], 'Ankle boot');
  const again = await loadFashionMnist({ trainSize: 1000, testSize: 500, splitSeed: 1 });
  assert.deepEqual(again.train.labels, data.train.labels);
  // MNIST-family files load with the same reader: point loadMnist at the Fashion files.
  const mnistLike = await loadMnist({ dir: DEBIAN, validationSize: 100, trainSize: 10 });
  assert.equal(mnistLike.train.count, 10);
  assert.equal(mnistLike.name, 'mnist');
});
