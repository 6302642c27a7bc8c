/**
 * Backend selection: load TensorFlow.js' native backend when the process can have it, and say
 * which backend runs.
 *
 * normlab's library code imports `@tensorflow/tfjs` only, so it runs in a browser too. Entry
 * points that run on Node (the CLI, tests, benchmarks, notebooks) call {@link initBackend} once;
 * it loads `@tensorflow/tfjs-node`, which registers the `tensorflow` backend on the same
 * `@tensorflow/tfjs-core` instance the library uses.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { loadNormKernels, nativeKernelInfo, normKernelsStatus } from './native/norm-kernels-module';

/** What runs the tensors: the backend's name and the versions involved. */
export interface BackendInfo {
  /** `tf.getBackend()`: `tensorflow` (native), `cpu` (pure JS), `webgl`, `wasm`. */
  backend: string;
  /** Whether the native TensorFlow C library runs the ops. */
  native: boolean;
  /** `@tensorflow/tfjs-core` version. */
  tfjsVersion: string;
  /** Version of the TensorFlow C library behind tfjs-node, when native. */
  tensorflowVersion?: string;
  /** Node.js version, when running on Node. */
  nodeVersion?: string;
  /**
   * normlab's compiled normalization kernels, when loaded: the instruction set they dispatched to
   * and their thread count, e.g. `avx2, 2 threads`.
   */
  normKernels?: string;
}

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Allow the pure-JS `cpu` backend when tfjs-node cannot be loaded. Default: the
   * `NORMLAB_ALLOW_CPU_BACKEND` environment variable is `1`; otherwise a missing native backend
   * is an error, because training on the pure-JS backend is about 100× slower.
   */
  allowCpu?: boolean;
}

/**
 * Quiet TensorFlow's C++ logging unless the user chose otherwise. oneDNN's custom ops stay on
 * (TensorFlow's default; about 20% faster convolutions here, measured with bench/backend.ts); they
 * announce themselves in one line on the process' stderr at load time. For results that do not
 * depend on the CPU's instruction set, set `TF_ENABLE_ONEDNN_OPTS=0` and `NORMLAB_NATIVE_KERNELS=0`:
 * normlab's native paths call oneDNN's kernels by name whatever the first says.
 */
function quietNativeLogs(): void {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
}

/**
 * Load `@tensorflow/tfjs-node` and make `tensorflow` the active backend.
 *
 * @throws when the native backend cannot be loaded and the pure-JS fallback is not allowed; the
 *   message says how to install it.
 * @returns which backend now runs.
 *
 * @example
 * ```ts
 * const info = await initBackend(); // loads @tensorflow/tfjs-node, or says what to install
 * console.log(describeBackend(info));
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const allowCpu = options.allowCpu ?? process.env.NORMLAB_ALLOW_CPU_BACKEND === '1';
  if (tf.getBackend() !== 'tensorflow') {
    quietNativeLogs();
    try {
      // A computed module name keeps browser bundlers from following this Node-only import.
      const nodeBackend = '@tensorflow/tfjs-node';
      require(nodeBackend);
      await tf.setBackend('tensorflow');
    } catch (error) {
      if (!allowCpu) {
        throw new Error(
          `The native TensorFlow backend (@tensorflow/tfjs-node) could not be loaded: ${
            (error as Error).message.split('\n')[0]
          }\nRun 'npm run setup' (it builds tfjs-node offline if needed), or set ` +
            'NORMLAB_ALLOW_CPU_BACKEND=1 to accept the pure-JS cpu backend (about 100x slower).',
        );
      }
      await tf.setBackend('cpu');
    }
  }
  await tf.ready();
  // normlab's own kernels register with the TensorFlow library tfjs-node just loaded.
  if (tf.getBackend() === 'tensorflow') loadNormKernels();
  return backendInfo();
}

/**
 * Describe the active backend without changing it.
 *
 * @example
 * ```ts
 * const { backend, native } = backendInfo(); // 'tensorflow', true after initBackend()
 * ```
 */
export function backendInfo(): BackendInfo {
  const backend = tf.getBackend();
  const info: BackendInfo = { backend, native: backend === 'tensorflow', tfjsVersion: tf.version_core };
  if (typeof process !== 'undefined' && process.versions?.node) info.nodeVersion = process.versions.node;
  if (info.native) {
    const versions = (tf.engine().backend as unknown as { binding?: { TF_Version?: string } }).binding;
    if (versions?.TF_Version) info.tensorflowVersion = versions.TF_Version;
    if (normKernelsStatus().module) info.normKernels = nativeKernelInfo();
  }
  return info;
}

/**
 * One line for logs: `backend tensorflow (native TensorFlow 2.21.0, tfjs 4.22.0, node 20.x)`.
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(describeBackend()); // backend tensorflow (native TensorFlow 2.21.0, tfjs 4.22.0, node 20.20.2)
 * ```
 */
export function describeBackend(info: BackendInfo = backendInfo()): string {
  const parts = [info.native ? `native TensorFlow ${info.tensorflowVersion ?? ''}`.trim() : 'pure JS'];
  parts.push(`tfjs ${info.tfjsVersion}`);
  if (info.nodeVersion) parts.push(`node ${info.nodeVersion}`);
  if (info.normKernels) parts.push(`normlab kernels ${info.normKernels}`);
  return `backend ${info.backend} (${parts.join(', ')})`;
}
