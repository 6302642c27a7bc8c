/**
 * Test helper: every test file that computes with tensors calls {@link useNativeBackend} at the top,
 * so it runs on tfjs-node (or fails with setup's instructions) and not on the pure-JS fallback.
 */
import { before } from 'node:test';
import { initBackend } from '../../lib/backend';

/** Register a `before` hook that loads the native backend for this test file. */
export function useNativeBackend(): void {
  before(async () => {
    await initBackend();
  });
}
