/**
 * `Identity` (tf.clone, and the copies tfjs keeps of every tensor a
 * gradient will need) on the wasm backend without copying. tfjs-backend-wasm
 * 4.22 copies the values, about 0.9 ms per CNN step for the two
 * convolutions' activations; tensors never change after they are made, so
 * the copy can share the buffer, counted by reference, as the cpu backend's
 * Identity does. (The only in-place writes, fused-adam.ts's, skip buffers
 * shared this way.)
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-override';

let installed = false;

/** Whether the sharing Identity is registered on the wasm backend. */
export function wasmIdentityInstalled(): boolean {
  return installed;
}

/** Replaces the wasm Identity kernel for numeric tensors. Idempotent; a no-op without that backend. */
export function installWasmIdentity(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.Identity, (original) => (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    // MNIST_WASM_KERNELS=0 keeps all of tfjs' own kernels, for comparisons.
    if (x.dtype === 'string' || process.env.MNIST_WASM_KERNELS === '0') return original.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
