/**
 * The max-pooling gradient on the wasm backend. tfjs-backend-wasm 4.22's
 * `MaxPoolGrad` takes longer than the convolution before it (about 75 ms
 * for a batch of 128 × 26×26×32), while the gradient itself is one pass
 * over the input: route each output gradient to the position that held
 * the window's maximum. This kernel does that pass straight on the
 * backend's memory: in the project's WebAssembly (`assembly/kernels.ts`),
 * or in JavaScript where that is not built. Ties go to the first maximum
 * in row-major order, as on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './wasm-override';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as unknown as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = backend.makeOutput(input.shape, 'float32');
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const kernels = wasmKernels();
  if (kernels !== undefined && input.dtype === 'float32' && dy.dtype === 'float32') {
    kernels.maxPoolGrad(heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, dx),
      batchSize, inHeight, inWidth, c, outHeight, outWidth, strideHeight, strideWidth, fh, fw, top, left);
    return dx;
  }
  // Views of the wasm heap; taken after makeOutput, which may grow (and so move) it.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yFrom = Math.max(0, y0);
      const yTo = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xFrom = Math.max(0, x0);
        const xTo = Math.min(inWidth, x0 + fw);
        const grad = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let where = -1;
          for (let y = yFrom; y < yTo; y++) {
            for (let xx = xFrom; xx < xTo; xx++) {
              const at = image + (y * inWidth + xx) * c + ch;
              if (x[at] > best) {
                best = x[at];
                where = at;
              }
            }
          }
          if (where >= 0) out[where] += g[grad + ch];
        }
      }
    }
  }
  return dx;
}

/** Replaces the wasm MaxPoolGrad kernel. Idempotent; a no-op without that backend. */
export function installWasmMaxPoolGrad(): void {
  if (installed) return;
  installed = replaceWasmKernel(tf.MaxPoolGrad, () => maxPoolGrad);
}
