/**
 * A workaround for a slow path in the wasm backend: tfjs-backend-wasm 4.22
 * multiplies transposed operands (`transposeA` / `transposeB`) about ten
 * times slower than plain ones, and every Dense layer's backward pass asks
 * for exactly that. Transposing first and then running the plain kernel
 * gives the same numbers at the plain kernel's speed. Installed through the
 * public kernel registry, so nothing of tfjs is patched on disk.
 */
import * as tf from '@tensorflow/tfjs';

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

/** Whether the transposed-matmul workaround is active on the wasm backend. */
export function wasmMatMulFixInstalled(): boolean {
  return installed;
}

/**
 * Replaces the wasm `BatchMatMul` kernel with one that transposes its
 * operands explicitly. Idempotent; a no-op where the wasm backend is absent.
 */
export function installWasmMatMulFix(): void {
  if (installed) return;
  const original = tf.getKernel(tf.BatchMatMul, BACKEND);
  const transposeKernel = tf.getKernel(tf.Transpose, BACKEND);
  if (original === undefined || transposeKernel === undefined) return;

  const transposeLastTwo = (x: tf.TensorInfo, args: KernelArgs): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return transposeKernel.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
  };

  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const temporaries: tf.TensorInfo[] = [];
    const plain = (x: tf.TensorInfo, transpose: boolean): tf.TensorInfo => {
      if (!transpose) return x;
      const t = transposeLastTwo(x, args);
      temporaries.push(t);
      return t;
    };
    try {
      return original.kernelFunc({
        inputs: { a: plain(a, attrs.transposeA), b: plain(b, attrs.transposeB) },
        backend: args.backend,
        attrs: { transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) (args.backend as tf.KernelBackend).disposeData(t.dataId);
    }
  };

  tf.unregisterKernel(tf.BatchMatMul, BACKEND);
  tf.registerKernel({ ...original, kernelFunc });
  installed = true;
}
