/**
 * Evaluation and prediction over many images at once. tfjs' default batch
 * of 32 makes predicting the 10,000 test images take seconds; large batches
 * take a fraction of that, and the results match.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from './prepare';
import { inputTensor } from './model-input';
import { countCorrect, crossEntropyFromProbabilities } from './loss';

export const EVALUATION_BATCH = 2500;

/** Class probabilities for every sample: `count × classes` values, row after row. */
export function predictProbabilities(model: tf.LayersModel, samples: Samples, batchSize = EVALUATION_BATCH): Float32Array {
  const classes = model.outputs[0].shape[1] ?? 10;
  const out = new Float32Array(samples.count * classes);
  for (let start = 0; start < samples.count; start += batchSize) {
    const size = Math.min(batchSize, samples.count - start);
    const probabilities = tf.tidy(() => {
      const xs = inputTensor(model, samples.x.subarray(start * samples.features, (start + size) * samples.features), size);
      // predict() splits its input into batches of 32 unless told otherwise.
      return model.predict(xs, { batchSize: size }) as tf.Tensor2D;
    });
    out.set(probabilities.dataSync(), start * classes);
    probabilities.dispose();
  }
  return out;
}

/** The index of the largest value in each row of `classes` values: the predicted digit. */
export function argmaxRows(values: Float32Array, classes = 10): Uint8Array {
  const count = values.length / classes;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[i * classes + c] > values[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The predicted digit for every sample. */
export function predictLabels(model: tf.LayersModel, samples: Samples, batchSize = EVALUATION_BATCH): Uint8Array {
  const classes = model.outputs[0].shape[1] ?? 10;
  return argmaxRows(predictProbabilities(model, samples, batchSize), classes);
}

/** Mean loss (sparse categorical cross-entropy) and accuracy, as Keras' `evaluate` reports them. */
export function evaluate(model: tf.LayersModel, samples: Samples, batchSize = EVALUATION_BATCH): { loss: number; accuracy: number } {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < samples.count; start += batchSize) {
    const size = Math.min(batchSize, samples.count - start);
    const [loss, hits] = tf.tidy(() => {
      const xs = inputTensor(model, samples.x.subarray(start * samples.features, (start + size) * samples.features), size);
      const ys = tf.tensor1d(Int32Array.from(samples.y.subarray(start, start + size)), 'int32');
      const probabilities = model.predict(xs, { batchSize: size }) as tf.Tensor2D;
      return [tf.sum(crossEntropyFromProbabilities(ys, probabilities)), countCorrect(ys, probabilities)];
    });
    lossSum += loss.dataSync()[0];
    correct += hits.dataSync()[0];
    loss.dispose();
    hits.dispose();
  }
  return { loss: lossSum / samples.count, accuracy: correct / samples.count };
}
