/**
 * Matrix transposes on the wasm backend. Every Dense backward pass
 * transposes its input (and the transposed-matmul workaround, its
 * operands), and tfjs-backend-wasm 4.22 takes about 0.16 ms for the course
 * model's 32 × 784 batch: longer than the matrix product that follows.
 * A transpose of the last two axes of a float32 matrix (rank 2, or a batch
 * of them) runs here in 4 × 4 blocks (`transpose2d` in assembly/kernels.ts);
 * other permutations keep the backend's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './wasm-override';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

/** Whether `perm` swaps the last two axes and keeps the others in place. */
function swapsLastTwo(perm: number[]): boolean {
  const r = perm.length;
  return r >= 2 && perm[r - 1] === r - 2 && perm[r - 2] === r - 1 && perm.slice(0, r - 2).every((p, i) => p === i);
}

function transposeFor(original: tf.KernelConfig): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    const kernels = wasmKernels();
    if (kernels === undefined || x.dtype !== 'float32' || !swapsLastTwo(perm)) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const r = x.shape.length;
    const [rows, cols] = x.shape.slice(r - 2);
    const shape = [...x.shape.slice(0, r - 2), cols, rows];
    const out = backend.makeOutput(shape, 'float32');
    const matrices = x.shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
    const [from, to] = [heapOffset(backend, x), heapOffset(backend, out)];
    for (let m = 0; m < matrices; m++) kernels.transpose2d(from + 4 * m * rows * cols, to + 4 * m * rows * cols, rows, cols);
    return out;
  };
}

/** Whether the matrix transpose is registered on the wasm backend. */
export function wasmTransposeInstalled(): boolean {
  return installed;
}

/** Replaces the wasm Transpose kernel for matrices. Idempotent; a no-op without that backend. */
export function installWasmTranspose(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.Transpose, transposeFor);
}
