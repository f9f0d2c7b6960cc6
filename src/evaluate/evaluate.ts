/**
 * Evaluation over many images at once, as Keras' `evaluate` reports it: mean
 * loss and accuracy, computed in the large batches prediction uses (see
 * predict.ts). The images come as Samples, or as rows of a tensor that stay
 * on the backend (fit's validationSplit on tensors), a batch at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { inputTensor } from '../model/model-input';
import { tensorRows } from '../model/tensor-rows';
import { EVALUATION_BATCH } from './predict';
import { countCorrect, crossEntropyFromProbabilities } from '../model/loss';

export interface Score {
  loss: number;
  accuracy: number;
}

/**
 * Mean loss and accuracy over `count` images, `batchSize` at a time;
 * `batch(start, size)` makes one batch's model input and int32 labels
 * (inside a tidy, so it may make temporaries).
 */
function score(
  model: tf.LayersModel, count: number, batchSize: number, batch: (start: number, size: number) => { xs: tf.Tensor; ys: tf.Tensor1D },
): Score {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const [loss, hits] = tf.tidy(() => {
      const { xs, ys } = batch(start, size);
      // apply, not predict: predict slices its input into batches even when it is one, and on the wasm
      // backend a slice reads its whole input back into JS memory first.
      const probabilities = model.apply(xs, { training: false }) as tf.Tensor2D;
      return [tf.sum(crossEntropyFromProbabilities(ys, probabilities)), countCorrect(ys, probabilities)];
    });
    lossSum += loss.dataSync()[0];
    correct += hits.dataSync()[0];
    loss.dispose();
    hits.dispose();
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

/** Mean loss (sparse categorical cross-entropy) and accuracy, as Keras' `evaluate` reports them. */
export function evaluate(model: tf.LayersModel, samples: Samples, batchSize = EVALUATION_BATCH): Score {
  const { features } = samples;
  return score(model, samples.count, batchSize, (start, size) => ({
    xs: inputTensor(model, samples.x.subarray(start * features, (start + size) * features), size),
    ys: tf.tensor1d(Int32Array.from(samples.y.subarray(start, start + size)), 'int32'),
  }));
}

/**
 * The same score for `labels.length` images of the tensor `x` (one image
 * per row along its first axis), starting at row `first`, with their labels.
 * x is never read back whole: each batch's rows are read on their own (see
 * tensor-rows.ts).
 */
export function evaluateRows(model: tf.LayersModel, x: tf.Tensor, first: number, labels: Uint8Array, batchSize = EVALUATION_BATCH): Score {
  const rows = x.shape[0] ?? 0;
  if (!(Number.isInteger(first) && first >= 0 && first + labels.length <= rows && labels.length > 0)) {
    throw new Error(`Expected rows ${first} to ${first + labels.length - 1} of the images, but the tensor has ${rows} rows.`);
  }
  const read = tensorRows(model, x, Math.min(batchSize, labels.length));
  const rowNumbers = (start: number, size: number): Int32Array => Int32Array.from({ length: size }, (_, i) => first + start + i);
  return score(model, labels.length, batchSize, (start, size) => ({
    xs: read(rowNumbers(start, size)),
    ys: tf.tensor1d(Int32Array.from(labels.subarray(start, start + size)), 'int32'),
  }));
}
