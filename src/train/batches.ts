/**
 * Where fit's mini-batches come from. Samples live in JS memory: a batch is
 * copied row by row into one reused buffer and uploaded. Images given as a
 * tensor (the form of tfjs' model.fit, which Step 5 of the workbook calls)
 * already live on the backend: reading all of x back would keep a second
 * copy of the training set in JS memory beside the tensor (188 MB for
 * MNIST's 60,000 images), so each batch's rows are read on their own
 * (tensor-rows.ts). Either way a batch holds the same rows in the same
 * order, so both forms train alike for the same seed.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { inputTensor } from '../model/model-input';
import { tensorRows } from '../model/tensor-rows';

export interface BatchSource {
  /** Images to train on: rows 0 … count − 1. */
  readonly count: number;
  /**
   * The images at `rows` (at most the batch size the source was made for),
   * shaped as the model takes them, and their labels as int32. New tensors:
   * call it inside tf.tidy.
   */
  batch(rows: Uint32Array): { x: tf.Tensor; y: tf.Tensor1D };
}

/** Batches copied out of Samples. */
export function samplesBatches(model: tf.LayersModel, samples: Samples, batchSize: number): BatchSource {
  const { features } = samples;
  const xBuffer = new Float32Array(batchSize * features);
  const yBuffer = new Int32Array(batchSize);
  return {
    count: samples.count,
    batch: (rows) => {
      const size = rows.length;
      for (let i = 0; i < size; i++) {
        const row = rows[i];
        xBuffer.set(samples.x.subarray(row * features, (row + 1) * features), i * features);
        yBuffer[i] = samples.y[row];
      }
      return { x: inputTensor(model, xBuffer.subarray(0, size * features), size), y: tf.tensor1d(yBuffer.subarray(0, size), 'int32') };
    },
  };
}

/**
 * Batches from the first `count` rows of the tensor `x` (one image per row
 * along its first axis), read without a copy of x (see tensor-rows.ts);
 * `labels` holds the labels of those rows.
 */
export function tensorBatches(model: tf.LayersModel, x: tf.Tensor, labels: Uint8Array, count: number, batchSize: number): BatchSource {
  const read = tensorRows(model, x, batchSize);
  const yBuffer = new Int32Array(batchSize);
  return {
    count,
    batch: (rows) => {
      const size = rows.length;
      for (let i = 0; i < size; i++) yBuffer[i] = labels[rows[i]];
      return { x: read(rows), y: tf.tensor1d(yBuffer.subarray(0, size), 'int32') };
    },
  };
}
