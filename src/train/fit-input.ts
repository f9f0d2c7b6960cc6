/**
 * What fit checks and cuts before training: the run's size, that the images
 * fit the model, the labels of the tensor form (read back: they are small),
 * and the validationSplit cut, where tfjs and Keras make it. Errors say what
 * was expected and how to fix it.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { valuesPerInput } from '../model/model-input';
import { TRAINING_DEFAULTS } from './training-defaults';
import type { FitOptions } from './train';

/** Epochs and batch size from the options (the course's defaults where absent), checked. */
export function runSize(options: FitOptions): { epochs: number; batchSize: number } {
  const epochs = options.epochs ?? TRAINING_DEFAULTS.epochs;
  const batchSize = options.batchSize ?? TRAINING_DEFAULTS.batchSize;
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`Expected epochs to be a whole number ≥ 1, got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`Expected a batch size that is a whole number ≥ 1, got ${batchSize}.`);
  }
  return { epochs, batchSize };
}

/** Whether each image brings the values the model's input takes (784 for the course's models). */
export function checkFeatures(
  model: tf.LayersModel, features: number, what: string, fix = 'Flatten and normalize the images with prepareSamples() first.',
): void {
  const expected = valuesPerInput(model);
  if (features !== expected) throw new Error(`The model expects ${expected} values per image but the ${what} have ${features}. ${fix}`);
}

export function validateSamples(model: tf.LayersModel, samples: Samples): void {
  checkFeatures(model, samples.features, 'samples');
  if (samples.x.length !== samples.count * samples.features || samples.y.length !== samples.count) {
    throw new Error(`Samples are inconsistent: ${samples.count} samples need ${samples.count * samples.features} ` +
      `pixel values and ${samples.count} labels, found ${samples.x.length} and ${samples.y.length}.`);
  }
}

/**
 * How many of `total` samples train when the last `fraction` is held back,
 * cut where tfjs' and Keras' `validationSplit` cut: floor(total · (1 − fraction)).
 */
export function trainingPart(total: number, fraction: number): number {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected validationSplit to be a fraction between 0 and 1 (e.g. 0.1), got ${fraction}.`);
  }
  const count = Math.floor(total * (1 - fraction));
  if (count < 1 || count >= total) {
    throw new Error(`A validationSplit of ${fraction} leaves ${count} of ${total} samples for training; ` +
      'both the training and the validation part need at least one.');
  }
  return count;
}

/** Holds back the last `fraction` of the samples (see trainingPart). */
export function holdOut(samples: Samples, fraction: number): { train: Samples; validation: Samples } {
  const count = trainingPart(samples.count, fraction);
  const cut = count * samples.features;
  const part = (x: Float32Array, y: Uint8Array, n: number): Samples => ({ x, y, count: n, features: samples.features });
  return {
    train: part(samples.x.subarray(0, cut), samples.y.subarray(0, count), count),
    validation: part(samples.x.subarray(cut), samples.y.subarray(count), samples.count - count),
  };
}

/**
 * Images and labels given as tensors, as tfjs' `model.fit(x, y)` takes them,
 * checked: the labels are read back (60,000 of them are small), the images
 * stay on the backend (see batches.ts).
 */
export function labelsOfTensors(x: tf.Tensor, y: tf.Tensor): { count: number; features: number; labels: Uint8Array } {
  if (!(y instanceof tf.Tensor)) {
    throw new Error('fit(model, x, y, options) needs the labels y as a tensor too, e.g. tf.tensor1d(trainSet.labels, \'int32\').');
  }
  const count = x.shape[0] ?? 0;
  const features = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const labels = y.shape.length === 2 && y.shape[1] === 1 ? y.shape[0] : y.shape.length === 1 ? y.shape[0] : -1;
  if (x.rank < 2 || count < 1) {
    throw new Error(`Expected x as a tensor of images, one per row (e.g. shape [count, 784]), got shape [${x.shape.join(', ')}].`);
  }
  if (labels !== count) {
    throw new Error(`Expected y to hold one label per image, shape [${count}], got shape [${y.shape.join(', ')}]. ` +
      'Pass the digits 0–9 themselves (sparse labels), not one-hot rows.');
  }
  const values = y.dataSync();
  for (let i = 0; i < values.length; i++) {
    // Labels are class numbers; they are kept as bytes, as in Samples.
    if (!(Number.isInteger(values[i]) && values[i] >= 0 && values[i] < 256)) {
      throw new Error(`Expected whole-number labels such as the digits 0–9 in y, found ${values[i]} at position ${i}.`);
    }
  }
  return { count, features, labels: Uint8Array.from(values) };
}
