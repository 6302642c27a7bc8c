/**
 * Makes the playground's committed asset, docs/public/fashion-sample.json: a few Fashion-MNIST
 * test images (the same number from each class, in file order) as base64 bytes, with labels.
 *
 * Usage: node --import tsx scripts/docs/make-fashion-sample.ts [--per-class N] [--dir DIR]
 * (defaults: 4 per class, /usr/share/datasets/fashion-mnist). Deterministic: rerunning writes the
 * same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

function readIdx(path: string, magic: number): { dims: number[]; bytes: Uint8Array } {
  const buf = gunzipSync(readFileSync(path));
  const found = buf.readUInt32BE(0);
  if (found !== magic)
    throw new Error(`${path}: magic ${found.toString(16)}, expected ${magic.toString(16)}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const length = dims.reduce((a, b) => a * b, 1);
  if (buf.length - offset !== length)
    throw new Error(`${path}: ${buf.length - offset} bytes, expected ${length}`);
  return { dims, bytes: new Uint8Array(buf.buffer, buf.byteOffset + offset, length) };
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

function main(): void {
  const dir = option('--dir', '/usr/share/datasets/fashion-mnist');
  const perClass = Number(option('--per-class', '4'));
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > 100) {
    throw new Error(`--per-class must be an integer in [1, 100], got ${perClass}`);
  }
  const images = readIdx(join(dir, 't10k-images-idx3-ubyte.gz'), 0x803);
  const labels = readIdx(join(dir, 't10k-labels-idx1-ubyte.gz'), 0x801);
  const [, height, width] = images.dims;
  const size = height * width;
  const taken = new Array<number>(10).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < labels.bytes.length && picked.length < 10 * perClass; i++) {
    const label = labels.bytes[i];
    if (taken[label] < perClass) {
      taken[label]++;
      picked.push(i);
    }
  }
  // Interleave classes so that any prefix of the batch mixes them.
  picked.sort((a, b) => {
    const ra = picked.filter((p) => labels.bytes[p] === labels.bytes[a]).indexOf(a);
    const rb = picked.filter((p) => labels.bytes[p] === labels.bytes[b]).indexOf(b);
    return ra - rb || labels.bytes[a] - labels.bytes[b];
  });
  const pixels = new Uint8Array(picked.length * size);
  picked.forEach((index, k) => {
    pixels.set(images.bytes.subarray(index * size, (index + 1) * size), k * size);
  });
  const sample = {
    source: 'Fashion-MNIST test set (t10k), Zalando Research, MIT licence',
    indices: picked,
    count: picked.length,
    height,
    width,
    classNames: CLASS_NAMES,
    labels: picked.map((i) => labels.bytes[i]),
    pixelsBase64: Buffer.from(pixels).toString('base64'),
  };
  const out = join(__dirname, '..', '..', 'docs', 'public', 'fashion-sample.json');
  writeFileSync(out, `${JSON.stringify(sample)}\n`);
  console.log(`wrote ${out}: ${picked.length} images of ${height}x${width}`);
}

main();
