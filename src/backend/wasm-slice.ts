/**
 * `Slice` on the wasm backend without reading the whole input back.
 * tfjs-backend-wasm 4.22's Slice starts with `readSync(x)`, a copy of all of
 * x into JavaScript memory, however small the slice: `model.predict` and
 * `model.evaluate` slice their input into batches of 32, so evaluating the
 * workbook's 60,000 training images copied all 188 MB of them once per
 * batch. For a slice that is one contiguous run of values (any slice of
 * leading rows, which is what batching makes), this copies just that run
 * from a view on the backend's memory; other slices keep tfjs' kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-override';

let installed = false;

/** Whether the contiguous Slice is registered on the wasm backend. */
export function wasmSliceInstalled(): boolean {
  return installed;
}

/** Replaces the wasm Slice kernel for contiguous slices of numeric tensors. Idempotent; a no-op without that backend. */
export function installWasmSlice(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.Slice, (original) => (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    // MNIST_WASM_KERNELS=0 keeps all of tfjs' own kernels, for comparisons.
    if (x.dtype === 'string' || process.env.MNIST_WASM_KERNELS === '0') return original.kernelFunc(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    if (!tf.slice_util.isSliceContinous(x.shape, begin_, size_)) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(size_, x.dtype);
    const count = tf.util.sizeFromShape(size_);
    if (count > 0) {
      const start = tf.slice_util.computeFlatOffset(begin_, tf.util.computeStrides(x.shape));
      // Views made after the allocation above, which may have grown (and so moved) the memory.
      backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(start, start + count));
    }
    return out;
  });
}
