/**
 * Whether a gradient is being differentiated again, for the ops whose gradient is written by hand.
 *
 * tfjs differentiates a gradient by recording the ops of the backward pass on the tape of an
 * enclosing gradient (`tf.grad(x => … tf.grad(f)(x) …)`). A `tf.customGrad` op's forward runs
 * untaped: the tape sees the values it saved, but not how they were computed from its inputs, so a
 * hand-written gradient that reads saved statistics gives a second derivative that is silently
 * wrong (the saved inputs themselves stay linked to the enclosing computation, which the portable
 * ops rely on); and a gradient run as a TensorFlow op by name is invisible to the tape altogether. The normalization ops therefore ask, in their gradient, whether
 * an enclosing tape records: the portable ones then differentiate their plain formula instead.
 * The native paths step aside when their op runs inside nested tapes (the portable ops run), and
 * their gradients refuse to be differentiated with an error, should one be asked anyway.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** How many gradient tapes are open around the current op (tfjs' own count). */
function openTapes(): number {
  return (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth;
}

/**
 * Whether the gradient now running is itself being recorded for a further gradient: the backward
 * pass of a first-order gradient runs after its own tape closed, with no tape open.
 */
export function higherOrderRequested(): boolean {
  return openTapes() > 0;
}

/**
 * Whether an op running now may have its gradient differentiated: it runs inside a gradient's
 * function (one tape) that itself runs inside another's (a second tape). The native paths step
 * aside then, so that the portable ops, whose gradients can be differentiated, run instead.
 */
export function gradientMayBeDifferentiated(): boolean {
  return openTapes() > 1;
}

/**
 * Throw when a native op's gradient is asked for a further gradient, which its TensorFlow kernel
 * cannot give. This happens only when a gradient is taken, inside a gradient's function, of a value
 * computed outside that inner function (the native path did not know to step aside). tfjs frees
 * nothing the failed gradient had saved: the tensors stay allocated.
 *
 * @param op how the error names the op.
 */
export function refuseHigherOrder(op: string): void {
  if (higherOrderRequested())
    throw new Error(
      `${op}: its gradient runs on a native kernel and cannot be differentiated again; ` +
        'call setNativeKernels(false) (or set NORMLAB_NATIVE_KERNELS=0) for gradients of gradients',
    );
}
