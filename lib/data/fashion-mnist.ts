/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 70 000 grayscale 28×28 images of 10 clothing
 * classes, 60 000 for training and 10 000 for testing. And MNIST, read by the same loader.
 *
 * @module
 */
import { type IdxDatasetDescriptor, loadIdxDataset } from './idx-dataset';
import type { ImageDataset, LoadDatasetOptions } from './types';

/** Fashion-MNIST's official download location (Zalando Research). */
export const FASHION_MNIST_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/**
 * Fashion-MNIST as the loader knows it. `sha256` are the sums of the `.gz` files of Debian's
 * `dataset-fashion-mnist` package (the download check). `contentSha256` are the sums of the four
 * files' IDX contents after decompression, computed from the same files: they identify the data
 * whoever compressed it (Debian's `.gz` files carry their own gzip headers, so their MD5 sums
 * differ from the ones upstream publishes for its `.gz` files).
 *
 * @example
 * ```ts
 * const data = await loadIdxDataset(FASHION_MNIST, { trainSize: 1000 }); // same as loadFashionMnist
 * ```
 */
export const FASHION_MNIST: IdxDatasetDescriptor = {
  name: 'fashion-mnist',
  envVar: 'FASHION_MNIST_DIR',
  systemDir: '/usr/share/datasets/fashion-mnist',
  debianPackage: 'dataset-fashion-mnist',
  baseUrl: FASHION_MNIST_URL,
  sha256: {
    trainImages: 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
    trainLabels: '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
    testImages: 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
    testLabels: '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
  },
  contentSha256: {
    trainImages: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    trainLabels: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    testImages: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    testLabels: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  classNames: [
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
  ],
};

/**
 * MNIST (handwritten digits) as the loader knows it. No checksums are recorded, so MNIST is never
 * downloaded: give its directory (option `dir` or `$MNIST_DIR`) or put the files into the cache.
 *
 * @example
 * ```ts
 * console.log(MNIST.classNames); // ['0', '1', ..., '9']
 * ```
 */
export const MNIST: IdxDatasetDescriptor = {
  name: 'mnist',
  envVar: 'MNIST_DIR',
  systemDir: '/usr/share/datasets/mnist',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/**
 * Load Fashion-MNIST: 55 000 training, 5 000 validation (held out of the official training set
 * by a seeded permutation) and 10 000 test images, pixels scaled to `[0, 1]`, NHWC `28×28×1`.
 *
 * Search order: `options.dir` → `$FASHION_MNIST_DIR` → `/usr/share/datasets/fashion-mnist/`
 * (Debian's `dataset-fashion-mnist`) → `$XDG_CACHE_HOME/normlab/datasets/fashion-mnist` (default
 * `~/.cache/...`) → download of the four official files into that cache, each verified by SHA-256.
 *
 * @param options see {@link LoadDatasetOptions}: `validationSize` (5000), `splitSeed` (0),
 *   `trainSize`/`testSize` (all), `download` (true), `baseUrl` (official host), `cacheDir`, `systemDir`.
 * @throws when the dataset cannot be found or downloaded; the message lists the ways to get it.
 * @example
 * ```ts
 * const data = await loadFashionMnist({ trainSize: 10000 });
 * console.log(data.train.count, data.validation.count, data.test.count); // 10000 5000 10000
 * ```
 */
export function loadFashionMnist(options: LoadDatasetOptions = {}): Promise<ImageDataset> {
  return loadIdxDataset(FASHION_MNIST, options);
}

/**
 * Load MNIST from IDX files with the same reader and splits as {@link loadFashionMnist}.
 * Search order: `options.dir` → `$MNIST_DIR` → `/usr/share/datasets/mnist` → the cache directory.
 *
 * @example
 * ```ts
 * const data = await loadMnist({ trainSize: 5000, testSize: 1000 });
 * console.log(data.train.count, data.validation.count, data.test.count);
 * ```
 */
export function loadMnist(options: LoadDatasetOptions = {}): Promise<ImageDataset> {
  return loadIdxDataset(MNIST, options);
}
