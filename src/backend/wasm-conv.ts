/**
 * Convolution gradients on the wasm backend, rebuilt on its fast forward
 * `Conv2D` (XNNPACK). tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter`
 * at all, so a Conv2D layer could not train there, and its
 * `Conv2DBackpropInput` is a plain loop about eight times slower than the
 * forward convolution of the same size. Both gradients are themselves
 * convolutions, so they are registered here as such, through the public
 * kernel registry:
 *
 * - filter gradient: dW[a,b,i,o] = Σ x[n, s·p+a, s·q+b, i] · dy[n,p,q,o], a
 *   convolution of x (batch and channels swapped) with dy as the filter,
 *   dilated by the forward stride;
 * - input gradient (stride 1): the "full" convolution of dy with the filter
 *   flipped in space and its channel axes swapped. Other strides keep the
 *   backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './wasm-override';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Kernels, heapOffset, wasmKernels } from './wasm-kernels';

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Pair = [number, number];
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

let installed = false;

function kernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, BACKEND);
  if (config === undefined) throw new Error(`The wasm backend has no ${name} kernel.`);
  return config;
}

/** Runs backend kernels by name and frees every intermediate result it made. */
class KernelRunner {
  private readonly temporaries: tf.TensorInfo[] = [];

  constructor(private readonly backend: tf.KernelBackend) {}

  /** An intermediate result, freed by `dispose`. */
  temp(name: string, inputs: Record<string, tf.TensorInfo>, attrs: object): tf.TensorInfo {
    const out = this.result(name, inputs, attrs);
    this.temporaries.push(out);
    return out;
  }

  /** A buffer this runner frees at the end. */
  own(t: tf.TensorInfo): tf.TensorInfo {
    this.temporaries.push(t);
    return t;
  }

  /** The kernel's final result, which the caller owns. */
  result(name: string, inputs: Record<string, tf.TensorInfo>, attrs: object): tf.TensorInfo {
    return kernel(name).kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
  }

  dispose(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
  }
}

function withRunner(args: KernelArgs, body: (run: KernelRunner) => tf.TensorInfo): tf.TensorInfo {
  const run = new KernelRunner(args.backend as tf.KernelBackend);
  try {
    return body(run);
  } finally {
    run.dispose();
  }
}

/** The forward convolution's geometry: strides and the padding on each side. */
function forwardGeometry(
  xShape: number[], filterShape: number[],
  attrs: { strides: Pair | number; pad: tf.Conv2DAttrs['pad']; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

function explicit(top: number, bottom: number, left: number, right: number): ExplicitPadding {
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/**
 * The filter gradient as one matrix product: a transposed im2col gathers,
 * for every filter tap (a, b, channel), the inputs it met at each output
 * position (kh·kw·ci × positions), and dW = patchesᵀ · dy (positions × co)
 * is already in the filter's (kh, kw, ci, co) order. The product's second
 * operand, which the backend packs on every call, is the small dy. The
 * convolution route below runs XNNPACK with an oh×ow filter, which it
 * handles far below its matrix-product speed (≈ 2× slower here).
 */
function backpropFilterIm2col(args: KernelArgs, kernels: Kernels, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const positions = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  return withRunner(args, (run) => {
    const patches = run.own(backend.makeOutput([1, taps, positions], 'float32'));
    kernels.im2colTransposed(heapOffset(backend, x), heapOffset(backend, patches), batchSize, inHeight, inWidth, inChannels,
      filterHeight, filterWidth, outHeight, outWidth, info.strideHeight, info.strideWidth, 1, 1, info.padInfo.top, info.padInfo.left);
    const b = run.temp(tf.Reshape, { x: dy }, { shape: [1, positions, outChannels] });
    const product = run.temp(tf.BatchMatMul, { a: patches, b }, { transposeA: false, transposeB: false });
    return run.result(tf.Reshape, { x: product }, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
  });
}

/** Up to this many taps (kh·kw·ci) the filter gradient is summed directly: a 3×3 filter over up to 3 channels. */
const DIRECT_MAX_TAPS = 27;

/** The filter gradient of a layer with few taps (the first layer), in one pass: `filterGradDirect`. */
function backpropFilterDirect(args: KernelArgs, kernels: Kernels, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  return withRunner(args, (run) => {
    const scratch = run.own(backend.makeOutput([filterHeight * filterWidth * inChannels * 64], 'float32'));
    const dw = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
    kernels.filterGradDirect(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), heapOffset(backend, scratch),
      batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth, outChannels,
      info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
    return dw;
  });
}

function backpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter on the wasm backend supports NHWC (channels last) only, not ${attrs.dataFormat}; ` +
      'use dataFormat "channelsLast", or the cpu backend.');
  }
  const [kh, kw, ci, co] = attrs.filterShape;
  const info = forwardGeometry(x.shape, attrs.filterShape, attrs);
  const kernels = wasmKernels();
  if (kernels !== undefined && x.dtype === 'float32' && dy.dtype === 'float32') {
    if (kh * kw * ci <= DIRECT_MAX_TAPS && co % 4 === 0) return backpropFilterDirect(args, kernels, x, dy, info);
    return backpropFilterIm2col(args, kernels, x, dy, info);
  }
  const { top, bottom, left, right } = info.padInfo;
  return withRunner(args, (run) => {
    // Batch ↔ channels: x becomes ci images of n channels, dy an oh×ow filter from n to co channels.
    const images = run.temp(tf.Transpose, { x }, { perm: [3, 1, 2, 0] });
    const filter = run.temp(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
    let gradient = run.temp(tf.Conv2D, { x: images, filter }, {
      strides: [1, 1], dilations: [info.strideHeight, info.strideWidth],
      pad: explicit(top, bottom, left, right), dataFormat: 'NHWC',
    });
    // With a stride, rows the forward pass never reached can add positions past kh×kw.
    if (gradient.shape[1] !== kh || gradient.shape[2] !== kw) {
      gradient = run.temp(tf.Slice, { x: gradient }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] });
    }
    return run.result(tf.Transpose, { x: gradient }, { perm: [1, 2, 0, 3] });
  });
}

/**
 * The input gradient as one matrix product and a scatter: each output
 * position's dy row times Wᵀ gives what it sent to every input its window
 * covered (positions × kh·kw·ci, with the small Wᵀ as the packed operand),
 * and col2im adds those up per input pixel. Any stride and padding.
 */
function backpropInputCol2im(args: KernelArgs, kernels: Kernels, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const positions = batchSize * outHeight * outWidth;
  const taps = filterHeight * filterWidth * inChannels;
  return withRunner(args, (run) => {
    const w = run.temp(tf.Reshape, { x: filter }, { shape: [taps, outChannels] });
    const wT = run.temp(tf.Transpose, { x: w }, { perm: [1, 0] });
    const b = run.temp(tf.Reshape, { x: wT }, { shape: [1, outChannels, taps] });
    const a = run.temp(tf.Reshape, { x: dy }, { shape: [1, positions, outChannels] });
    const cols = run.temp(tf.BatchMatMul, { a, b }, { transposeA: false, transposeB: false });
    const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
    kernels.col2im(heapOffset(backend, cols), heapOffset(backend, dx), batchSize, inHeight, inWidth, inChannels,
      filterHeight, filterWidth, outHeight, outWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left);
    return dx;
  });
}

function backpropInputFor(original: tf.KernelConfig): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { dy, filter } = args.inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (attrs.dataFormat !== 'NHWC') return original.kernelFunc(args);
    const [kh, kw] = filter.shape;
    const info = forwardGeometry(attrs.inputShape, filter.shape, attrs);
    const kernels = wasmKernels();
    if (kernels !== undefined && dy.dtype === 'float32' && filter.dtype === 'float32') return backpropInputCol2im(args, kernels, dy, filter, info);
    const { top, bottom, left, right } = info.padInfo;
    const full = [kh - 1 - top, kh - 1 - bottom, kw - 1 - left, kw - 1 - right];
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || full.some((p) => p < 0)) return original.kernelFunc(args);
    return withRunner(args, (run) => {
      const flipped = run.temp(tf.Reverse, { x: filter }, { dims: [0, 1] });
      const swapped = run.temp(tf.Transpose, { x: flipped }, { perm: [0, 1, 3, 2] });
      return run.result(tf.Conv2D, { x: dy, filter: swapped }, {
        strides: [1, 1], dilations: [1, 1], pad: explicit(full[0], full[1], full[2], full[3]), dataFormat: 'NHWC',
      });
    });
  };
}

/** Registers both gradients on the wasm backend. Idempotent; a no-op without that backend. */
export function installWasmConvGradients(): void {
  if (installed || tf.getKernel(tf.Conv2D, BACKEND) === undefined) return;
  if (tf.getKernel(tf.Conv2DBackpropFilter, BACKEND) === undefined) {
    tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: BACKEND, kernelFunc: backpropFilter });
  }
  replaceWasmKernel(tf.Conv2DBackpropInput, backpropInputFor);
  installed = true;
}
