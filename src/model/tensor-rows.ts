/**
 * Rows of an image tensor (one image per row along its first axis) as a
 * model's input, read without copying the whole tensor out of the backend:
 * x.dataSync() would keep a second copy of MNIST's training set in JS memory
 * beside the tensor (188 MB), and on the wasm backend even tf.slice reads its
 * whole input back first. On wasm the rows are copied straight out of the
 * backend's own memory (a view on it, no copy of x); elsewhere they are
 * gathered on the backend. tf.gather works on wasm too, but costs about
 * 0.7 ms per 32 images of 784 values, as much as a training step; the row
 * copy 0.02 ms. Both give the same values.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchShape, inputTensor, rowsAsInput, valuesPerInput } from './model-input';

/** Reads the images at the given row numbers as a new tensor shaped for the model (call it inside tf.tidy). */
export type RowReader = (rows: Uint32Array | Int32Array) => tf.Tensor;

function checkRows(model: tf.LayersModel, x: tf.Tensor): void {
  const count = x.shape[0] ?? 0;
  if (x.rank < 2 || count < 1 || x.size / count !== valuesPerInput(model)) {
    throw new Error(`The model takes ${valuesPerInput(model)} values per image (input shape ${batchShape(model, 1).slice(1).join('×')}), ` +
      `but the images come as a tensor of shape [${x.shape.join(', ')}]. Make it one row of pixel values per image, e.g. [count, 784].`);
  }
}

/** The general way: tf.gather on the backend, by row number. */
export function gatheredRows(model: tf.LayersModel, x: tf.Tensor): RowReader {
  checkRows(model, x);
  return (rows) => rowsAsInput(model, tf.gather(x, tf.tensor1d(Int32Array.from(rows), 'int32')));
}

/**
 * `x`'s values as the wasm backend holds them, a view on its memory, or
 * undefined on other backends. A view is made anew for each read: any
 * allocation may grow the memory, which detaches older views.
 */
function wasmView(x: tf.Tensor): (() => tf.TypedArray) | undefined {
  if (tf.getBackend() !== 'wasm' || x.dtype === 'string' || x.dtype === 'complex64') return undefined;
  const backend = tf.backend() as BackendWasm;
  if (!backend.dataIdMap.has(x.dataId)) return undefined;
  return () => {
    if (x.isDisposed) throw new Error('The images tensor was disposed while its rows were still being read; keep it until training ends.');
    return backend.typedArrayFromHeap(x);
  };
}

/** Rows of `x`, at most `maxRows` at a time: copied from the wasm backend's memory, gathered elsewhere. */
export function tensorRows(model: tf.LayersModel, x: tf.Tensor, maxRows: number): RowReader {
  const view = wasmView(x);
  if (view === undefined) return gatheredRows(model, x);
  checkRows(model, x);
  const features = x.size / (x.shape[0] ?? 1);
  const buffer = new Float32Array(maxRows * features);
  return (rows) => {
    if (rows.length > maxRows) throw new Error(`Asked for ${rows.length} rows at once; this reader was made for at most ${maxRows}.`);
    const values = view();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!(row >= 0 && row < (x.shape[0] ?? 0))) throw new Error(`Row ${row} is not one of the tensor's ${x.shape[0]} rows.`);
      buffer.set(values.subarray(row * features, (row + 1) * features), i * features);
    }
    return inputTensor(model, buffer.subarray(0, rows.length * features), rows.length);
  };
}
