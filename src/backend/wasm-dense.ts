/**
 * The hand-written Dense step's products and relu gradient as single passes
 * on the wasm backend's memory (dense-training.ts uses them). The layer's
 * forward product (with bias and relu) and its weight gradient are the
 * project's own matrix products: XNNPACK packs the weights on every call,
 * and they are a new buffer after every update. The relu gradient is one
 * SIMD pass (`reluGrad` in assembly/kernels.ts) instead of step + multiply.
 * Undefined (callers keep tfjs' ops) on other backends or without the
 * project's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

export interface DenseKernels {
  /** A Dense layer's output: x·kernel + bias on every row, relu if asked. */
  forward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor, relu: boolean): tf.Tensor2D;
  /** A Dense layer's weight gradient xᵀ·dz, without transposing x. */
  weightGrad(x: tf.Tensor2D, dz: tf.Tensor2D): tf.Tensor2D;
  /** da where the relu layer's output is positive, else 0. */
  reluGrad(da: tf.Tensor2D, output: tf.Tensor2D): tf.Tensor2D;
}

function tensorOf<T extends tf.Tensor>(info: tf.TensorInfo): T {
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

/**
 * Room for the products' list of nonzero entries: `count` positions, then
 * as many vectors of four values, 16-byte aligned (see denseForward in
 * assembly/kernels.ts).
 */
function sparseScratch(count: number): tf.Tensor {
  return tensorOf<tf.Tensor>((tf.backend() as BackendWasm).makeOutput([count * 5 + 4], 'float32'));
}

/** The fused pieces for the active backend, or undefined where they do not apply. */
export function denseKernels(): DenseKernels | undefined {
  const kernels = wasmKernels();
  if (kernels === undefined) return undefined;
  const backend = tf.backend() as BackendWasm;
  return {
    forward(x, kernel, bias, relu) {
      const [m, k] = x.shape;
      const [rows, n] = kernel.shape;
      if (rows !== k || bias.size !== n || x.dtype !== 'float32' || kernel.dtype !== 'float32' || bias.dtype !== 'float32') {
        throw new Error(`A Dense layer's forward pass needs float32 x (m × k), kernel (k × n) and bias (n); ` +
          `got ${x.dtype} [${x.shape.join(', ')}], ${kernel.dtype} [${kernel.shape.join(', ')}] and ${bias.dtype} [${bias.shape.join(', ')}].`);
      }
      const out = tensorOf<tf.Tensor2D>(backend.makeOutput([m, n], 'float32'));
      const scratch = sparseScratch(k);
      kernels.denseForward(
        heapOffset(backend, x), heapOffset(backend, kernel), heapOffset(backend, bias), heapOffset(backend, out), heapOffset(backend, scratch),
        m, k, n, relu ? 1 : 0);
      scratch.dispose();
      return out;
    },
    weightGrad(x, dz) {
      const [m, k] = x.shape;
      const [rows, n] = dz.shape;
      if (rows !== m || x.dtype !== 'float32' || dz.dtype !== 'float32') {
        throw new Error(`A weight gradient needs float32 x (m × k) and dz (m × n) with the same m; ` +
          `got ${x.dtype} [${x.shape.join(', ')}] and ${dz.dtype} [${dz.shape.join(', ')}].`);
      }
      const dw = tensorOf<tf.Tensor2D>(backend.makeOutput([k, n], 'float32'));
      const scratch = sparseScratch(m);
      kernels.denseWeightGrad(heapOffset(backend, x), heapOffset(backend, dz), heapOffset(backend, dw), heapOffset(backend, scratch), m, k, n);
      scratch.dispose();
      return dw;
    },
    reluGrad(da, output) {
      const dz = tensorOf<tf.Tensor2D>(backend.makeOutput(da.shape, 'float32'));
      kernels.reluGrad(heapOffset(backend, da), heapOffset(backend, output), heapOffset(backend, dz), da.size);
      return dz;
    },
  };
}
