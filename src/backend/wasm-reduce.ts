/**
 * Bias rows on the wasm backend: the sum over all axes but the last, and
 * adding a vector to every row.
 *
 * Sums over all axes but the last: the bias gradient
 * of every convolution (and Dense) layer, Σ over batch, rows and columns of
 * dy. tfjs-backend-wasm 4.22 reduces only along the last axis, so for these
 * it first transposes the whole gradient (1.4 M values for the CNN's first
 * layer at batch 64); column sums straight on the backend's memory
 * (`sumRows` in `assembly/kernels.ts`) skip that copy, and add up in
 * float64 where the backend's kernel adds in float32. Other reductions
 * keep the backend's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './wasm-override';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, wasmKernels } from './wasm-kernels';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

/** Whether `axis` names exactly the axes before the last of a rank-`rank` tensor. */
function leadingAxes(axis: number | number[], rank: number): boolean {
  const axes = tf.util.parseAxisParam(axis, Array.from({ length: rank }, () => 1));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  return rank >= 2 && sorted.length === rank - 1 && sorted.every((a, i) => a === i);
}

function sumFor(original: tf.KernelConfig): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const kernels = wasmKernels();
    const rank = x.shape.length;
    if (kernels === undefined || x.dtype !== 'float32' || !leadingAxes(axis, rank)) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const cols = x.shape[rank - 1];
    const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const shape = keepDims ? [...Array.from({ length: rank - 1 }, () => 1), cols] : [cols];
    const out = backend.makeOutput(shape, 'float32');
    // Room for the float64 running totals: 2 float32 slots per column.
    const totals = backend.makeOutput([2 * cols], 'float32');
    kernels.sumRows(heapOffset(backend, x), heapOffset(backend, out), heapOffset(backend, totals), rows, cols);
    backend.disposeData(totals.dataId);
    return out;
  };
}

/**
 * x + b where b is one value per channel (the last axis), or b + x: how
 * every layer adds its bias. One SIMD pass (`addRows`); the backend's
 * broadcasting Add took 0.9 ms for the CNN's first layer at batch 64.
 */
function addFor(original: tf.KernelConfig): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const kernels = wasmKernels();
    if (kernels === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
    const isBias = (x: tf.TensorInfo, v: tf.TensorInfo): boolean => x.shape.length >= 2 && v.shape.length === 1 &&
      v.shape[0] === x.shape[x.shape.length - 1];
    const [x, bias] = isBias(a, b) ? [a, b] : isBias(b, a) ? [b, a] : [undefined, undefined];
    if (x === undefined || bias === undefined) return original.kernelFunc(args);
    const backend = args.backend as BackendWasm;
    const cols = bias.shape[0];
    const out = backend.makeOutput(x.shape, 'float32');
    kernels.addRows(heapOffset(backend, x), heapOffset(backend, bias), heapOffset(backend, out), tf.util.sizeFromShape(x.shape) / cols, cols);
    return out;
  };
}

/** Whether the column-sum Sum kernel is registered on the wasm backend. */
export function wasmSumInstalled(): boolean {
  return installed;
}

/** Replaces the wasm Sum and Add kernels with ones that handle bias rows directly. Idempotent; a no-op without that backend. */
export function installWasmSum(): void {
  if (installed || !replaceWasmKernel(tf.Sum, sumFor)) return;
  replaceWasmKernel(tf.Add, addFor);
  installed = true;
}
