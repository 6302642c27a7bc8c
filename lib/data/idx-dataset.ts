/**
 * Finding, downloading and loading a dataset of four IDX files (the MNIST family): the search
 * order, checksum-verified download into the cache, and the validation split. Fashion-MNIST and
 * MNIST are descriptors of this one loader.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { decodeIdx, idxContents } from './idx';
import { splitFromIdx, takeExamples, validationSplit } from './split';
import type { DownloadProgress, IdxArray, ImageDataset, ImageSplit, LoadDatasetOptions } from './types';

/** The four files of an MNIST-family dataset, by role (names without `.gz`). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Role of one of the four files. */
export type IdxFileRole = keyof typeof IDX_FILES;

/** What distinguishes one MNIST-family dataset from another. */
export interface IdxDatasetDescriptor {
  /** Dataset name, also the cache sub-directory. */
  name: string;
  /** Environment variable naming a directory with the files. */
  envVar: string;
  /** System-wide directory (a distribution package). */
  systemDir: string;
  /** Debian/Ubuntu package that installs the files into `systemDir`, if any. */
  debianPackage?: string;
  /** Official download base URL (file names `<name>.gz` are appended); none: no download. */
  baseUrl?: string;
  /** SHA-256 (hex) of each official `.gz` file; download requires them. */
  sha256?: Record<IdxFileRole, string>;
  /**
   * SHA-256 (hex) of each file's IDX contents (after decompression): local files are checked
   * against them when they are loaded. Without them, files are read unchecked.
   */
  contentSha256?: Record<IdxFileRole, string>;
  /** Class names, index = label. */
  classNames: string[];
}

/** Where the files were found: a directory, and the search step that found it. */
export interface LocatedDataset {
  /** Directory holding the four files. */
  dir: string;
  /** `explicit`, `env`, `system`, `cache` or `download`. */
  step: 'explicit' | 'env' | 'system' | 'cache' | 'download';
}

/** The user's cache directory for a dataset: `$XDG_CACHE_HOME/normlab/datasets/<name>` (default `~/.cache/...`). */
export function defaultCacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'normlab', 'datasets', name);
}

/** Path of a role's file in `dir` (`.gz` preferred, raw accepted), or null when absent. */
function filePath(dir: string, role: IdxFileRole): string | null {
  for (const candidate of [`${IDX_FILES[role]}.gz`, IDX_FILES[role]]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The roles whose file is missing from `dir`. */
function missingFiles(dir: string): IdxFileRole[] {
  return (Object.keys(IDX_FILES) as IdxFileRole[]).filter((role) => filePath(dir, role) === null);
}

/** How messages name the options (a command line passes its own flags). */
interface OptionNames {
  dir: string;
  allowDownload: string;
}

function optionNames(options: LoadDatasetOptions): OptionNames {
  return {
    dir: options.optionNames?.dir ?? 'option dir',
    allowDownload: options.optionNames?.download
      ? `run without ${options.optionNames.download}`
      : 'download: true',
  };
}

/** Every way to get the dataset, as numbered lines. */
function waysToGetIt(d: IdxDatasetDescriptor, cacheDir: string, names: OptionNames): string {
  const files = Object.values(IDX_FILES)
    .map((f) => `${f}.gz`)
    .join(', ');
  const ways = [
    `pass its directory explicitly (${names.dir})`,
    `set ${d.envVar}=/path/to/dir`,
    d.debianPackage
      ? `install the Debian package: sudo apt-get install ${d.debianPackage} (files in ${d.systemDir})`
      : null,
    `put the four files (${files}) into ${cacheDir}`,
    d.baseUrl && d.sha256
      ? `allow the download (${names.allowDownload}) from ${d.baseUrl} or a mirror (baseUrl)`
      : null,
  ].filter((w): w is string => w !== null);
  return `Ways to get it:\n${ways.map((w, i) => `  ${i + 1}. ${w}`).join('\n')}`;
}

/** The message of a missing dataset: every way to get it. */
function missingMessage(
  d: IdxDatasetDescriptor,
  cacheDir: string,
  tried: string[],
  names: OptionNames,
): string {
  return `${d.name} not found (looked in: ${tried.join('; ')}). ${waysToGetIt(d, cacheDir, names)}`;
}

/** The cause of a failed fetch in one line (undici hides it in `cause`). */
function fetchCause(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause;
  if (!cause) return e.message;
  const detail = [cause.code, cause.message].filter(Boolean).join(': ');
  return detail ? `${e.message} (${detail})` : e.message;
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const DEFAULT_CONNECT_MS = 30_000;
const DEFAULT_READ_MS = 60_000;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

function defaultProgress(p: DownloadProgress): void {
  process.stderr.write(`${p.message}\n`);
}

/**
 * Fetch one file with a connect timeout (until the response starts) and a read timeout (between
 * chunks), reporting progress at its start, at most every second, and when it stalls.
 */
async function fetchFile(
  url: string,
  file: string,
  timeouts: { connectMs: number; readMs: number },
  onProgress: (p: DownloadProgress) => void,
): Promise<Uint8Array> {
  const controller = new AbortController();
  const report = (bytes: number, total: number | undefined, note = '') =>
    onProgress({
      file,
      url,
      bytes,
      total,
      message:
        bytes === 0 && !note
          ? `downloading ${file} from ${url}`
          : `downloading ${file}: ${(bytes / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB${note}`,
    });
  report(0, undefined);
  let timer = setTimeout(
    () =>
      controller.abort(
        new Error(
          `no answer from ${url} within ${seconds(timeouts.connectMs)} (connect timeout: the server took the connection but sent nothing)`,
        ),
      ),
    timeouts.connectMs,
  );
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let lastReport = Date.now();
  for (;;) {
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        report(bytes, total, ' (stalled)');
        reject(
          new Error(
            `stalled: no data for ${seconds(timeouts.readMs)} after ${bytes}${total ? ` of ${total}` : ''} bytes (read timeout)`,
          ),
        );
      }, timeouts.readMs);
    });
    // Inferred from the reader: the tslab kernel compiles without the DOM types (no ReadableStreamReadResult).
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await Promise.race([reader.read(), idle]);
    } catch (error) {
      controller.abort();
      reader.cancel().catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (chunk.done) break;
    chunks.push(chunk.value);
    bytes += chunk.value.length;
    if (Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      report(bytes, total);
    }
  }
  return Buffer.concat(chunks);
}

/**
 * Download the four `.gz` files into `cacheDir`, each verified against its SHA-256 before it is
 * moved into place (a failed or interrupted download leaves no file behind).
 */
async function download(
  d: IdxDatasetDescriptor,
  baseUrl: string,
  cacheDir: string,
  options: LoadDatasetOptions,
): Promise<void> {
  if (!d.sha256) throw new Error(`${d.name}: no checksums are known, so the download is disabled`);
  mkdirSync(cacheDir, { recursive: true });
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const timeouts = {
    connectMs: options.timeouts?.connectMs ?? DEFAULT_CONNECT_MS,
    readMs: options.timeouts?.readMs ?? DEFAULT_READ_MS,
  };
  for (const role of Object.keys(IDX_FILES) as IdxFileRole[]) {
    const name = `${IDX_FILES[role]}.gz`;
    const target = join(cacheDir, name);
    if (existsSync(target)) continue;
    const url = base + name;
    let bytes: Uint8Array;
    try {
      bytes = await fetchFile(url, name, timeouts, options.onDownloadProgress ?? defaultProgress);
    } catch (error) {
      throw new Error(
        `${d.name}: download of ${url} failed: ${fetchCause(error)}. ${waysToGetIt(d, cacheDir, optionNames(options))}`,
      );
    }
    const actual = sha256Hex(bytes);
    if (actual !== d.sha256[role]) {
      throw new Error(
        `${d.name}: checksum mismatch for ${url}: SHA-256 ${actual}, expected ${d.sha256[role]} (file not saved)`,
      );
    }
    const partial = `${target}.partial-${process.pid}`;
    try {
      writeFileSync(partial, bytes);
      renameSync(partial, target);
    } finally {
      if (existsSync(partial)) unlinkSync(partial);
    }
  }
}

/**
 * Find the dataset's files: `options.dir` → `$<envVar>` → `systemDir` → cache directory →
 * download into the cache directory (when allowed and checksums are known).
 *
 * @throws when an explicitly given directory (option or environment variable) lacks files, and when
 *   nothing is found; the message lists the ways to get the dataset.
 */
export async function locateIdxDataset(
  d: IdxDatasetDescriptor,
  options: LoadDatasetOptions = {},
): Promise<LocatedDataset> {
  const cacheDir = options.cacheDir ?? defaultCacheDir(d.name);
  const names = optionNames(options);
  const explicit: [string | undefined, 'explicit' | 'env', string][] = [
    [options.dir, 'explicit', names.dir],
    [process.env[d.envVar] || undefined, 'env', d.envVar],
  ];
  for (const [dir, step, what] of explicit) {
    if (dir === undefined) continue;
    const missing = missingFiles(dir);
    if (missing.length > 0) {
      throw new Error(
        `${d.name}: ${what} is ${dir}, but it lacks ${missing.map((r) => IDX_FILES[r]).join(', ')} (.gz or raw). ` +
          `Point ${what} at the directory that holds all four files.`,
      );
    }
    return { dir, step };
  }
  const tried: string[] = [`${names.dir} (not set)`, `${d.envVar} (not set)`];
  const systemDir = options.systemDir ?? d.systemDir;
  for (const [dir, step] of [
    [systemDir, 'system'],
    [cacheDir, 'cache'],
  ] as const) {
    if (missingFiles(dir).length === 0) return { dir, step };
    tried.push(dir);
  }
  const baseUrl = options.baseUrl ?? d.baseUrl;
  if ((options.download ?? true) && baseUrl && d.sha256) {
    await download(d, baseUrl, cacheDir, options);
    return { dir: cacheDir, step: 'download' };
  }
  throw new Error(missingMessage(d, cacheDir, tried, names));
}

/**
 * Why a file's contents are not the official file of its role (null when they are, or when no
 * sums are known): the official file of another role (train and test swapped), or unknown data.
 */
function identityProblem(
  d: IdxDatasetDescriptor,
  role: IdxFileRole,
  sum: string,
  path: string,
): string | null {
  const known = d.contentSha256;
  if (!known || known[role] === sum) return null;
  const other = (Object.keys(known) as IdxFileRole[]).find((r) => known[r] === sum);
  if (other)
    return (
      `${d.name}: ${path} holds the official ${IDX_FILES[other]} file, not ${IDX_FILES[role]}: ` +
      'the files are swapped or misnamed, so training and testing would use the wrong data.'
    );
  return (
    `${path} is not the official ${displayName(d)} file: the SHA-256 of its contents is ${sum}, expected ` +
    `${known[role]}. Results trained on it would not be comparable.`
  );
}

/** The dataset's name as written (Fashion-MNIST for `fashion-mnist`). */
function displayName(d: IdxDatasetDescriptor): string {
  return d.name === 'fashion-mnist' ? 'Fashion-MNIST' : d.name.toUpperCase();
}

/**
 * Locate and load an MNIST-family dataset: pixels scaled to `[0, 1]`, a seeded validation split
 * taken out of the official training set, optional subsets.
 *
 * @example
 * ```ts
 * const data = await loadIdxDataset(FASHION_MNIST, { dir: '/data/fashion-mnist', download: false });
 * ```
 */
export async function loadIdxDataset(
  d: IdxDatasetDescriptor,
  options: LoadDatasetOptions = {},
): Promise<ImageDataset> {
  const located = await locateIdxDataset(d, options);
  const fix = (path: string) =>
    located.step === 'cache' || located.step === 'download'
      ? `Fix: delete ${path} and rerun; the official file is downloaded again and verified.`
      : located.step === 'system' && d.debianPackage
        ? `Fix: reinstall the official files (sudo apt-get install --reinstall ${d.debianPackage}).`
        : `Fix: replace it with the official file (${IDX_FILES.trainImages}.gz and the others, from ${d.baseUrl ?? "the dataset's site"}).`;
  const paths: string[] = [];
  const files = {} as Record<IdxFileRole, string>;
  const read = (role: IdxFileRole) => {
    const path = filePath(located.dir, role);
    if (!path) throw new Error(`${d.name}: ${IDX_FILES[role]} vanished from ${located.dir}`);
    paths.push(path);
    let decoded: IdxArray;
    try {
      const raw = idxContents(readFileSync(path), path);
      decoded = decodeIdx(raw, path, { kind: role.endsWith('Images') ? 'images' : 'labels' });
      files[role] = sha256Hex(raw);
    } catch (error) {
      throw new Error(`${(error as Error).message}. ${fix(path)}`);
    }
    // A well-formed file can still be the wrong one (train and test swapped, edited pixels).
    const problem = identityProblem(d, role, files[role], path);
    if (problem) throw new Error(`${problem} ${fix(path)}`);
    return decoded;
  };
  const numClasses = d.classNames.length;
  const pair = (images: IdxFileRole, labels: IdxFileRole): ImageSplit => {
    const i = read(images);
    const l = read(labels);
    try {
      return splitFromIdx(i, l, numClasses);
    } catch (error) {
      throw new Error(
        `${(error as Error).message} (${paths.slice(-2).join(', ')}). ${fix(paths[paths.length - 1])}`,
      );
    }
  };
  const official = pair('trainImages', 'trainLabels');
  let test: ImageSplit = pair('testImages', 'testLabels');
  const { train, validation } = validationSplit(
    official,
    options.validationSize ?? 5000,
    options.splitSeed ?? 0,
    options.trainSize,
  );
  if (options.testSize !== undefined) test = takeExamples(test, options.testSize);
  return {
    name: d.name,
    train,
    validation,
    test,
    classNames: d.classNames,
    files,
    source: located.step === 'download' ? `download:${options.baseUrl ?? d.baseUrl}` : located.dir,
  };
}
