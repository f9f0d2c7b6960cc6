/**
 * `Gather` of whole rows on the wasm backend, as a copy of each row.
 * `model.fit` builds every batch with `tf.gather(x, indices)` on the
 * shuffled row numbers; tfjs-backend-wasm 4.22's kernel walks the output
 * value by value through generic strides, about 0.7 ms for 32 MNIST images
 * (as long as the rest of a batch's training step). Rows along axis 0 are
 * contiguous runs, so each is one `copyWithin`-like `set` on the backend's
 * memory. Other gathers (other axes, batch dimensions) keep tfjs' kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-override';
import { heapOffset } from './wasm-kernels';

let installed = false;

/** Whether the row gather is registered on the wasm backend. */
export function wasmGatherInstalled(): boolean {
  return installed;
}

/** Replaces the wasm GatherV2 kernel for rows of a numeric tensor. Idempotent; a no-op without that backend. */
export function installWasmGather(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.GatherV2, (original) => (args) => {
    const { x, indices } = args.inputs as unknown as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    const rowsOnly = x.shape.length >= 1 && tf.util.parseAxisParam(axis, x.shape)[0] === 0 && (batchDims ?? 0) === 0;
    if (!rowsOnly || x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const rows = x.shape[0];
    const width = tf.util.sizeFromShape(x.shape.slice(1));
    const count = tf.util.sizeFromShape(indices.shape);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    if (count === 0 || width === 0) return out;
    // Views made after the allocation above, which may have grown (and so moved) the memory.
    const heap = new Uint8Array(backend.typedArrayFromHeap(out).buffer);
    const at = backend.typedArrayFromHeap(indices) as Int32Array;
    const rowBytes = width * tf.util.bytesPerElement(x.dtype);
    const source = heapOffset(backend, x);
    const target = heapOffset(backend, out);
    for (let i = 0; i < count; i++) {
      const row = at[i];
      if (!(row >= 0 && row < rows)) {
        backend.disposeData(out.dataId);
        throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]: ` +
          `gather takes row numbers of a tensor with ${rows} rows.`);
      }
      heap.copyWithin(target + i * rowBytes, source + row * rowBytes, source + (row + 1) * rowBytes);
    }
    return out;
  });
}
