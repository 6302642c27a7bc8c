import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeIdx, parseIdx, readIdxFile } from '../../lib/data/idx';

const FASHION = '/usr/share/datasets/fashion-mnist';

function idxBytes(typeCode: number, shape: number[], payload: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = typeCode;
  header[3] = shape.length;
  for (const [i, s] of shape.entries()) header.writeUInt32BE(s, 4 + 4 * i);
  return new Uint8Array(Buffer.concat([header, Buffer.from(payload)]));
}

test('parses a small uint8 IDX file, raw and gzip', () => {
  const bytes = idxBytes(0x08, [2, 3], [0, 1, 2, 253, 254, 255]);
  for (const input of [bytes, new Uint8Array(gzipSync(bytes))]) {
    const idx = decodeIdx(input, 'small');
    assert.equal(idx.dtype, 'uint8');
    assert.deepEqual(idx.shape, [2, 3]);
    assert.deepEqual(Array.from(idx.data), [0, 1, 2, 253, 254, 255]);
  }
});

test('decodes big-endian int32 values', () => {
  const idx = parseIdx(idxBytes(0x0c, [2], [0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe]));
  assert.equal(idx.dtype, 'int32');
  assert.deepEqual(Array.from(idx.data), [258, -2]);
});

test('a wrong magic number is rejected with a clear message', () => {
  const bytes = idxBytes(0x08, [2], [1, 2]);
  bytes[0] = 0x50; // "P" as in a PNG or text file
  assert.throws(() => parseIdx(bytes, 'bad.idx'), /bad\.idx: not an IDX file \(magic number 0x50000801/);
  const badType = idxBytes(0x07, [2], [1, 2]);
  assert.throws(() => parseIdx(badType, 'x'), /not an IDX file/);
});

test('truncated data, truncated header and trailing bytes are rejected', () => {
  assert.throws(
    () => parseIdx(idxBytes(0x08, [2, 3], [1, 2, 3]), 'short'),
    /short: truncated IDX data: shape \[2, 3\] needs 6 bytes, found 3/,
  );
  assert.throws(
    () => parseIdx(idxBytes(0x08, [2, 3], [1, 2, 3]).subarray(0, 6), 'hdr'),
    /hdr: truncated IDX header/,
  );
  assert.throws(
    () => parseIdx(idxBytes(0x08, [2], [1, 2, 3]), 'long'),
    /long: corrupt IDX file: 1 unexpected bytes/,
  );
});

test('a truncated gzip stream gives a clear error', () => {
  const gz = gzipSync(
    idxBytes(
      0x08,
      [100],
      Array.from({ length: 100 }, (_, i) => i),
    ),
  );
  assert.throws(
    () => decodeIdx(new Uint8Array(gz.subarray(0, gz.length - 10)), 'cut.gz'),
    /cut\.gz: corrupt or truncated gzip data/,
  );
});

test('reads the real Fashion-MNIST test files', () => {
  const labels = readIdxFile(`${FASHION}/t10k-labels-idx1-ubyte.gz`);
  assert.deepEqual(labels.shape, [10000]);
  assert.equal(Math.max(...labels.data), 9);
  const images = readIdxFile(`${FASHION}/t10k-images-idx3-ubyte.gz`);
  assert.deepEqual(images.shape, [10000, 28, 28]);
  assert.equal(images.data.length, 10000 * 28 * 28);
});
