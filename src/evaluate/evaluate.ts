/**
 * Evaluation over many images at once, as Keras' `evaluate` reports it: mean
 * loss and accuracy, computed in the large batches prediction uses (see
 * predict.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { inputTensor } from '../model/model-input';
import { EVALUATION_BATCH } from './predict';
import { countCorrect, crossEntropyFromProbabilities } from '../model/loss';

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
