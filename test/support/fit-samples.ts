// Training on Samples with tfjs' own model.fit, for specs that need a trained
// model: the images and labels become tensors as the workbook makes them
// (labels as float32), and are freed afterwards.
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../../src/data/prepare';
import { inputTensor } from '../../src/model/model-input';

export async function fitSamples(model: tf.LayersModel, samples: Samples, args: tf.ModelFitArgs = {}): Promise<tf.History> {
  const x = inputTensor(model, samples.x, samples.count);
  const y = tf.tensor1d(samples.y, 'float32');
  try {
    return await model.fit(x, y, { batchSize: 32, verbose: 0, ...args });
  } finally {
    tf.dispose([x, y]);
  }
}
