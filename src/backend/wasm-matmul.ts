/**
 * A workaround for a slow path in the wasm backend: tfjs-backend-wasm 4.22
 * multiplies transposed operands (`transposeA` / `transposeB`) about ten
 * times slower than plain ones, and every Dense layer's backward pass asks
 * for exactly that. Transposing first and then running the plain kernel
 * gives the same numbers at the plain kernel's speed (and a small batch
 * times transposed wide weights is done as (B·Aᵀ)ᵀ). Installed through the
 * public kernel registry, so nothing of tfjs is patched on disk.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './wasm-override';

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];

let installed = false;

/** int32 operands, which tfjs-backend-wasm 4.22 refuses ("BatchMatMul for non non-float32 tensors"). */
function isIntegerProduct(args: KernelArgs): boolean {
  const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
  return a.dtype === 'int32' && b.dtype === 'int32';
}

/**
 * An int32 product in plain JavaScript on the backend's memory. Its one
 * caller in practice is `tf.math.confusionMatrix` (one-hot labels against
 * one-hot predictions: 10 × n times n × 10), where exact counts matter and
 * speed does not. Leading dimensions are batches, a batch of 1 broadcast
 * against the other's, as the float kernel does.
 */
function integerMatMul(args: KernelArgs): tf.TensorInfo {
  const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const backend = args.backend as BackendWasm;
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const m = transposeA ? colsA : rowsA;
  const k = transposeA ? rowsA : colsA;
  const n = transposeB ? rowsB : colsB;
  const kB = transposeB ? colsB : rowsB;
  const batch = Math.max(batchA, batchB);
  if (k !== kB || (batchA !== batchB && batchA !== 1 && batchB !== 1)) {
    throw new Error(`BatchMatMul: the inner dimensions of [${a.shape.join(', ')}] and [${b.shape.join(', ')}] ` +
      `(transposeA ${transposeA}, transposeB ${transposeB}) must match, and batches must be equal or 1.`);
  }
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...outer, m, n], 'int32');
  // Views after the allocation above, which may grow (and so move) the memory.
  const x = backend.typedArrayFromHeap(a) as Int32Array;
  const y = backend.typedArrayFromHeap(b) as Int32Array;
  const z = backend.typedArrayFromHeap(out) as Int32Array;
  for (let t = 0; t < batch; t++) {
    const offA = (batchA === 1 ? 0 : t) * rowsA * colsA;
    const offB = (batchB === 1 ? 0 : t) * rowsB * colsB;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = x[offA + (transposeA ? p * colsA + i : i * colsA + p)];
          const bv = y[offB + (transposeB ? j * colsB + p : p * colsB + j)];
          sum += av * bv;
        }
        z[(t * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

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

  /**
   * For A·Bᵀ with A (m × k) and B (n × k): the plain route transposes B and
   * the backend then packs Bᵀ (2·n·k values moved); the swapped one moves
   * A twice and the m × n result once. The backward pass of a wide Dense
   * layer (the CNN's 1600 → 128: a batch of 64 against 204,800 weights)
   * moves about a quarter as much the swapped way.
   */
  const swapPays = (a: tf.TensorInfo, b: tf.TensorInfo): boolean => {
    const rank = a.shape.length;
    const [m, k] = a.shape.slice(rank - 2);
    const n = b.shape[rank - 2];
    const plain = 2 * n * k;
    return plain >= 65536 && 2 * m * k + m * n < plain / 2;
  };

  const transposeLastTwo = (x: tf.TensorInfo, args: KernelArgs): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    // Looked up on each call: the matrix transpose (wasm-transpose.ts) may be registered after this.
    const current = tf.getKernel(tf.Transpose, BACKEND) ?? transposeKernel;
    return current.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
  };

  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (isIntegerProduct(args)) return integerMatMul(args);
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!attrs.transposeA && swapPays(a, b)) {
      // A·Bᵀ = (B·Aᵀ)ᵀ: transposes the small A and the result instead of the large B.
      const aT = transposeLastTwo(a, args);
      try {
        const product = original.kernelFunc({ inputs: { a: b, b: aT }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
        try {
          return transposeLastTwo(product, args);
        } finally {
          (args.backend as tf.KernelBackend).disposeData(product.dataId);
        }
      } finally {
        (args.backend as tf.KernelBackend).disposeData(aT.dataId);
      }
    }
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

  replaceWasmKernel(tf.BatchMatMul, () => kernelFunc, isIntegerProduct);
  installed = true;
}
