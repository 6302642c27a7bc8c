/**
 * Makes the playground's committed asset, docs/public/fashion-sample.json: a few Fashion-MNIST
 * test images (the same number from each class, in file order) as base64 bytes, with labels.
 *
 * Usage: node --import tsx scripts/docs/make-fashion-sample.ts [--per-class N] [--dir DIR]
 * (defaults: 4 per class, /usr/share/datasets/fashion-mnist). Deterministic: rerunning writes the
 * same file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { FASHION_MNIST } from '../../lib/data/fashion-mnist';
import { readIdxFile } from '../../lib/data/idx';
import { wholeNumber } from '../cli-options';

/** Reads one IDX file with the library's reader (magic, dimensions and length checked) as bytes. */
function readBytes(path: string): { dims: number[]; bytes: Uint8Array } {
  const idx = readIdxFile(path);
  if (!(idx.data instanceof Uint8Array))
    throw new Error(`${path}: expected unsigned bytes, got ${idx.dtype}`);
  return { dims: idx.shape, bytes: idx.data };
}

function main(): void {
  const { dir, perClass } = new Command()
    .name('make-fashion-sample')
    .description("write the playground's Fashion-MNIST sample, docs/public/fashion-sample.json")
    .option('--per-class <n>', 'images of each class', wholeNumber(1, 100), 4)
    .option('--dir <dir>', 'folder of the Fashion-MNIST .gz files', '/usr/share/datasets/fashion-mnist')
    .showHelpAfterError()
    .parse()
    .opts<{ dir: string; perClass: number }>();
  const images = readBytes(join(dir, 't10k-images-idx3-ubyte.gz'));
  const labels = readBytes(join(dir, 't10k-labels-idx1-ubyte.gz'));
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
    classNames: FASHION_MNIST.classNames,
    labels: picked.map((i) => labels.bytes[i]),
    pixelsBase64: Buffer.from(pixels).toString('base64'),
  };
  const out = join(__dirname, '..', '..', 'docs', 'public', 'fashion-sample.json');
  writeFileSync(out, `${JSON.stringify(sample)}\n`);
  console.log(`wrote ${out}: ${picked.length} images of ${height}x${width}`);
}

main();
