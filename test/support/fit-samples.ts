// Training on Samples with tfjs' own model.fit, for specs that need a trained
// model: the images and labels become tensors as the workbook makes them
// (labels as float32), and are freed afterwards. With `shuffleSeed`, the
// batches come in the same order on every run (model.fit shuffles with
// Math.random, which takes no seed), so a spec that judges a trained model's
// accuracy judges the same model each time.
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../../src/data/prepare';
import { inputTensor } from '../../src/model/model-input';
import { seededRandom } from '../../src/train/random';

export async function fitSamples(
  model: tf.LayersModel, samples: Samples, args: tf.ModelFitArgs = {}, shuffleSeed?: number,
): Promise<tf.History> {
  const x = inputTensor(model, samples.x, samples.count);
  const y = tf.tensor1d(samples.y, 'float32');
  const random = Math.random;
  if (shuffleSeed !== undefined) Math.random = seededRandom(shuffleSeed);
  try {
    return await model.fit(x, y, { batchSize: 32, verbose: 0, ...args });
  } finally {
    Math.random = random;
    tf.dispose([x, y]);
  }
}
