/**
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel, so a Conv2D
 * layer cannot be trained on it (its weight gradient needs that kernel).
 * This registers one through the public kernel registry, built from the
 * backend's own kernels: for each of the filter's kh×kw positions, the
 * input window shifted by that offset, as a (positions × in-channels)
 * matrix, times the output gradient (positions × out-channels), gives that
 * position's slice of the filter gradient. Stride 1, no dilation, NHWC,
 * 'valid' or 'same' padding: what the extension exercise's CNN uses.
 */
import * as tf from '@tensorflow/tfjs';

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

function kernel(name: string): tf.KernelConfig {
  const config = tf.getKernel(name, BACKEND);
  if (config === undefined) throw new Error(`The wasm backend has no ${name} kernel.`);
  return config;
}

function strideOf(value: [number, number] | number): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** Registers the missing kernel on the wasm backend. Idempotent; a no-op without that backend. */
export function installWasmConvBackpropFilter(): void {
  if (installed || tf.getKernel(tf.Slice, BACKEND) === undefined) return;
  if (tf.getKernel(tf.Conv2DBackpropFilter, BACKEND) !== undefined) {
    installed = true;
    return;
  }
  const [slice, reshape, matMul, concat, pad] = [tf.Slice, tf.Reshape, tf.BatchMatMul, tf.Concat, tf.PadV2].map(kernel);

  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as tf.KernelBackend;
    const { x, dy } = args.inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs & { dilations?: [number, number] | number };
    const [kh, kw, ci, co] = attrs.filterShape;
    const [sh, sw] = strideOf(attrs.strides);
    const [dh, dw] = strideOf(attrs.dilations ?? 1);
    if (attrs.dataFormat !== 'NHWC' || sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || (attrs.pad !== 'valid' && attrs.pad !== 'same')) {
      throw new Error('Conv2DBackpropFilter on the wasm backend supports NHWC, stride 1, no dilation, and "valid" or "same" padding; ' +
        'use the cpu backend (or tfjs-node) for other convolutions.');
    }
    const run = (k: tf.KernelConfig, inputs: Record<string, tf.TensorInfo>, kAttrs: object): tf.TensorInfo =>
      k.kernelFunc({ inputs, backend, attrs: kAttrs as tf.NamedAttrMap }) as tf.TensorInfo;
    const temporaries: tf.TensorInfo[] = [];
    const keep = (t: tf.TensorInfo): tf.TensorInfo => {
      temporaries.push(t);
      return t;
    };
    try {
      const [n, , , ] = x.shape;
      const [, oh, ow] = dy.shape;
      let input = x;
      if (attrs.pad === 'same') {
        // tfjs' 'same' at stride 1: kh−1 rows in all, the smaller half on top.
        const top = Math.floor((kh - 1) / 2);
        const left = Math.floor((kw - 1) / 2);
        input = keep(run(pad, { x }, { paddings: [[0, 0], [top, kh - 1 - top], [left, kw - 1 - left], [0, 0]], constantValue: 0 }));
      }
      const positions = n * oh * ow;
      const gradient = keep(run(reshape, { x: dy }, { shape: [positions, co] }));
      const parts: tf.TensorInfo[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const window = keep(run(slice, { x: input }, { begin: [0, i, j, 0], size: [n, oh, ow, ci] }));
          const rows = keep(run(reshape, { x: window }, { shape: [positions, ci] }));
          parts.push(keep(run(matMul, { a: rows, b: gradient }, { transposeA: true, transposeB: false })));
        }
      }
      // The Concat kernel takes its inputs as an array, as tf.concat passes them.
      const stacked = parts.length === 1 ? parts[0] : keep(run(concat, parts as unknown as Record<string, tf.TensorInfo>, { axis: 0 }));
      return run(reshape, { x: stacked }, { shape: [kh, kw, ci, co] });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: BACKEND, kernelFunc });
  installed = true;
}
