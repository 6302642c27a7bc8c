/**
 * The shapes of normlab's datasets. Data stays in plain typed arrays (off the tensor hot path):
 * the trainer copies one mini-batch at a time into a reused buffer and makes the batch tensor
 * inside the step's `tf.tidy`, so nothing is held on the backend between steps.
 *
 * @module
 */

/**
 * One split of an image-classification dataset (train, validation or test), in NHWC order.
 *
 * Pixel `(n, y, x, c)` is `images[((n * height + y) * width + x) * channels + c]`; its value is
 * scaled to `[0, 1]` (raw byte / 255). Labels are class indices `0 .. numClasses - 1`.
 *
 * @example
 * ```ts
 * const { train } = await loadFashionMnist();
 * train.count;          // 55000
 * train.images.length;  // 55000 * 28 * 28 * 1
 * ```
 */
export interface ImageSplit {
  /** Pixels of all `count` images, NHWC, scaled to `[0, 1]`. Length `count * height * width * channels`. */
  images: Float32Array;
  /** Class index of each image. Length `count`. */
  labels: Int32Array;
  /** Number of examples. */
  count: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Channels per pixel (1 for Fashion-MNIST). */
  channels: number;
  /** Number of classes (labels are `0 .. numClasses - 1`). */
  numClasses: number;
}

/** A dataset with its three splits, ready for training. */
export interface ImageDataset {
  /** Dataset name, e.g. `fashion-mnist`, `mnist`, `synthetic`. */
  name: string;
  /** Training examples (after the validation examples were taken out). */
  train: ImageSplit;
  /** Validation examples, held out from the official training set (may have `count` 0). */
  validation: ImageSplit;
  /** The official test set. */
  test: ImageSplit;
  /** Human-readable class names, index = label. */
  classNames: string[];
  /** Where the data came from (a directory, `download:<url>`, or `synthetic`). */
  source: string;
  /**
   * The identity of the files it was read from: SHA-256 of each file's IDX contents (after
   * decompression), by role (`trainImages`, `trainLabels`, `testImages`, `testLabels`). Absent for
   * generated data.
   */
  files?: Record<string, string>;
}

/** Element types an IDX file can hold (the third byte of its magic number). */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The decoded content of one IDX file. */
export interface IdxArray {
  /** Element type, from the magic number. */
  dtype: IdxDataType;
  /** Dimension sizes, e.g. `[60000, 28, 28]` for an image file, `[60000]` for labels. */
  shape: number[];
  /** The values, row-major, in a typed array matching `dtype` (big-endian already converted). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Options of `loadFashionMnist` (lib/data/fashion-mnist.ts) and `loadMnist`.
 *
 * The files are looked for in this order: `dir` → `$FASHION_MNIST_DIR` (`$MNIST_DIR` for MNIST)
 * → `/usr/share/datasets/fashion-mnist/` → the cache directory → download (verified by SHA-256)
 * into the cache directory.
 */
export interface LoadDatasetOptions {
  /** Directory holding the four IDX files (`.gz` or raw). Default: search as above. */
  dir?: string;
  /** The system-wide directory (Debian's package). Default `/usr/share/datasets/fashion-mnist` (`/usr/share/datasets/mnist` for MNIST). */
  systemDir?: string;
  /** Cache directory. Default `$XDG_CACHE_HOME/normlab/datasets/<name>` or `~/.cache/normlab/datasets/<name>`. */
  cacheDir?: string;
  /** Allow the download step. Default true. */
  download?: boolean;
  /** Base URL of the download (the four file names are appended). Default: the official host. */
  baseUrl?: string;
  /** Examples held out of the official training set for validation. Default 5000. */
  validationSize?: number;
  /** Seed of the (deterministic) choice of validation examples. Default 0. */
  splitSeed?: number;
  /** Keep only this many training examples (after the validation split, seeded subset). Default: all. */
  trainSize?: number;
  /** Keep only the first this many test examples. Default: all (10000). */
  testSize?: number;
  /**
   * Download time limits: `connectMs` until the server answers a file's request (default 30 000),
   * `readMs` without a byte while the file arrives (default 60 000).
   */
  timeouts?: { connectMs?: number; readMs?: number };
  /** Download progress (start of each file, then at most every second). Default: lines on stderr. */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /**
   * How error messages name the options, e.g. `{ dir: '--data-dir', download: '--no-download' }`
   * for a command line. Default: the option names of this object (`option dir`, `download: true`).
   */
  optionNames?: { dir?: string; download?: string };
}

/** Progress of a dataset download. */
export interface DownloadProgress {
  /** The file being downloaded, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  /** Its URL. */
  url: string;
  /** Bytes received so far. */
  bytes: number;
  /** Bytes expected (the `content-length`), when the server says. */
  total?: number;
  /** The same, as one line of text. */
  message: string;
}

/** Options of `syntheticDataset` (lib/data/synthetic.ts): a small, learnable, seeded image dataset. */
export interface SyntheticOptions {
  /** Training examples. Default 512. */
  trainSize?: number;
  /** Validation examples. Default 128. */
  validationSize?: number;
  /** Test examples. Default 128. */
  testSize?: number;
  /** Image height and width. Default 8. */
  size?: number;
  /** Channels. Default 1. */
  channels?: number;
  /** Classes. Default 4. */
  numClasses?: number;
  /** Per-pixel noise standard deviation added to the class pattern. Default 0.3. */
  noise?: number;
  /** Seed. Default 0. */
  seed?: number;
}
