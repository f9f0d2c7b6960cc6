/**
 * Evaluation over many images at once, as Keras' `evaluate` reports it: mean
 * loss and accuracy, computed in the large batches prediction uses (see
 * predict.ts), from Samples, a batch at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { inputTensor } from '../model/model-input';
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
