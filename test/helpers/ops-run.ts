/**
 * Which TensorFlow ops a piece of code runs on tfjs-node (every op goes through the tensorflow
 * backend's `executeSingleOutput` or `executeMultipleOutputs`).
 */
import * as tf from '@tensorflow/tfjs';

/** The names of the TensorFlow ops `f` runs, in order. */
export function opsRun(f: () => void): string[] {
  const backend = tf.backend() as unknown as Record<string, (name: string, ...rest: unknown[]) => unknown>;
  const names: string[] = [];
  const originals = ['executeSingleOutput', 'executeMultipleOutputs'].map((m) => [m, backend[m]] as const);
  for (const [m, original] of originals) {
    backend[m] = function (this: unknown, name: string, ...rest: unknown[]) {
      names.push(name);
      return original.call(this, name, ...rest);
    };
  }
  try {
    f();
  } finally {
    for (const [m, original] of originals) backend[m] = original;
  }
  return names;
}
