/**
 * Data errors that tell the user what to do: an offline download gives its cause and the same
 * "ways to get it" list as a disabled download; a mirror that accepts and never answers (or
 * stalls mid-file) times out with progress instead of hanging; a labels file with an image file's
 * magic number is named as such before any shape check; a corrupt file says how to replace it;
 * the option names can be the CLI's (`--data-dir`).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FASHION_MNIST, loadFashionMnist } from '../../lib/data/fashion-mnist';
import { parseIdx } from '../../lib/data/idx';
import { locateIdxDataset } from '../../lib/data/idx-dataset';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const tmp = mkdtempSync(join(tmpdir(), 'normlab-data-msg-'));
const nowhere = join(tmp, 'nowhere');

/** The numbered "ways to get it" lines of a message. */
const ways = (message: string) => message.split('\n').filter((l) => /^ {2}\d\. /.test(l));

async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

test('an offline download names its cause and lists the same ways to get the data as --no-download', async () => {
  // A port nothing listens on: connection refused, as on a machine without network.
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  const cacheDir = join(tmp, 'offline-cache');
  const offline = await messageOf(
    locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, baseUrl: `http://127.0.0.1:${closed}/` }),
  );
  assert.match(
    offline,
    /download of http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz failed: .*ECONNREFUSED/,
  );
  const disabled = await messageOf(
    locateIdxDataset(FASHION_MNIST, { systemDir: nowhere, cacheDir, download: false }),
  );
  assert.ok(ways(disabled).length >= 4);
  assert.deepEqual(ways(offline), ways(disabled), 'the same list');
  assert.deepEqual(readdirSync(cacheDir), [], 'nothing half-downloaded is left');
});

test('a mirror that accepts the connection and never answers times out, saying so, in bounded time', {
  timeout: 20_000,
}, async () => {
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s)); // accepts, reads nothing, writes nothing
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const progress: string[] = [];
  try {
    const message = await messageOf(
      locateIdxDataset(FASHION_MNIST, {
        systemDir: nowhere,
        cacheDir: join(tmp, 'silent-cache'),
        baseUrl: `http://127.0.0.1:${port}/`,
        timeouts: { connectMs: 300, readMs: 300 },
        onDownloadProgress: (p) => progress.push(p.message),
      }),
    );
    assert.match(
      message,
      /no answer from http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz within 0\.3 s/,
    );
    assert.ok(ways(message).length >= 4, 'and the ways to get the data');
    assert.match(progress.join('\n'), /downloading train-images-idx3-ubyte\.gz from http:\/\/127\.0\.0\.1/);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a mirror that stalls mid-file times out on reading, with the bytes received so far', {
  timeout: 20_000,
}, async () => {
  const body = readFileSync(join(DEBIAN, 'train-images-idx3-ubyte.gz'));
  const stalling = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.write(body.subarray(0, 100_000)); // then nothing more
  });
  await new Promise<void>((r) => stalling.listen(0, '127.0.0.1', r));
  const port = (stalling.address() as { port: number }).port;
  const progress: { bytes: number; total?: number }[] = [];
  try {
    const message = await messageOf(
      locateIdxDataset(FASHION_MNIST, {
        systemDir: nowhere,
        cacheDir: join(tmp, 'stall-cache'),
        baseUrl: `http://127.0.0.1:${port}/`,
        timeouts: { connectMs: 2000, readMs: 300 },
        onDownloadProgress: (p) => progress.push(p),
      }),
    );
    assert.match(message, /stalled: no data for 0\.3 s after 100000 of \d+ bytes/);
    assert.ok(
      progress.some((p) => p.bytes === 100_000 && p.total === body.length),
      'progress in bytes',
    );
    assert.equal(existsSync(join(tmp, 'stall-cache', 'train-images-idx3-ubyte.gz')), false);
  } finally {
    stalling.closeAllConnections();
    stalling.close();
  }
});

test("a labels file with an image file's magic number is named as such, before any shape check", () => {
  const images = readFileSync(join(DEBIAN, 't10k-images-idx3-ubyte.gz'));
  const { gunzipSync } = require('node:zlib') as typeof import('node:zlib');
  const raw = new Uint8Array(gunzipSync(images));
  assert.throws(
    () => parseIdx(raw.subarray(0, 5000), 'labels.idx', { kind: 'labels' }),
    /labels\.idx: magic number 0x00000803 is that of an image file \(uint8, 3 dimensions\), not of a labels file \(0x00000801\)/,
  );
  assert.throws(
    () => parseIdx(raw.subarray(0, 5000), 'labels.idx', { kind: 'labels' }),
    /swapped or misnamed/,
  );
});

test('a swapped file in the data directory: the error names the file, the --data-dir option and how to fix it', async () => {
  const dir = join(tmp, 'swapped');
  mkdirSync(dir);
  for (const f of readdirSync(DEBIAN)) copyFileSync(join(DEBIAN, f), join(dir, f));
  copyFileSync(join(DEBIAN, 't10k-images-idx3-ubyte.gz'), join(dir, 't10k-labels-idx1-ubyte.gz'));
  const message = await messageOf(loadFashionMnist({ dir, optionNames: { dir: '--data-dir' } }));
  assert.match(message, /t10k-labels-idx1-ubyte\.gz: magic number 0x00000803 is that of an image file/);
  assert.match(message, /replace it with the official file/i);
  const lacking = await messageOf(loadFashionMnist({ dir: nowhere, optionNames: { dir: '--data-dir' } }));
  assert.match(lacking, /--data-dir is .*nowhere, but it lacks/);
  assert.doesNotMatch(lacking, /option dir/);
});
