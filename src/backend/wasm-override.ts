/**
 * How the project replaces one of tfjs-backend-wasm's kernels: through the
 * public kernel registry (nothing of tfjs is patched on disk), keeping the
 * original at hand, since each replacement hands the cases it does not
 * improve back to it.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM = 'wasm';

/**
 * Registers `make(original)` as the wasm backend's kernel `name` in place of
 * `original`. Returns false, changing nothing, where the wasm backend has no
 * such kernel (it is not loaded here).
 */
export function replaceWasmKernel(name: string, make: (original: tf.KernelConfig) => tf.KernelFunc): boolean {
  const original = tf.getKernel(name, WASM);
  if (original === undefined) return false;
  tf.unregisterKernel(name, WASM);
  tf.registerKernel({ ...original, kernelFunc: make(original) });
  return true;
}
