/**
 * How the project replaces one of tfjs-backend-wasm's kernels: through the
 * public kernel registry (nothing of tfjs is patched on disk), keeping the
 * original at hand, since each replacement hands the cases it does not
 * improve back to it, and every call with MNIST_WASM_KERNELS=0.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM = 'wasm';

/**
 * False with MNIST_WASM_KERNELS=0: every replaced kernel then runs tfjs' own
 * code, and the patched training calls tfjs' own, for comparisons. Read on
 * each call, so one process (a test) can compare both.
 */
export function projectKernelsEnabled(): boolean {
  return process.env.MNIST_WASM_KERNELS !== '0';
}

/**
 * Registers `make(original)` as the wasm backend's kernel `name` in place of
 * `original`. Returns false, changing nothing, where the wasm backend has no
 * such kernel (it is not loaded here). `fillsGap` names the calls the
 * original cannot serve at all (it throws): those keep the replacement even
 * with MNIST_WASM_KERNELS=0, which switches off speed, not features.
 */
export function replaceWasmKernel(
  name: string,
  make: (original: tf.KernelConfig) => tf.KernelFunc,
  fillsGap: (args: Parameters<tf.KernelFunc>[0]) => boolean = () => false,
): boolean {
  const original = tf.getKernel(name, WASM);
  if (original === undefined) return false;
  const replacement = make(original);
  tf.unregisterKernel(name, WASM);
  tf.registerKernel({ ...original, kernelFunc: (args) => (projectKernelsEnabled() || fillsGap(args) ? replacement(args) : original.kernelFunc(args)) });
  return true;
}
