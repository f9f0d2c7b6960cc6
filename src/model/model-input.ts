/**
 * Flat images → the tensor a model takes. Samples keep each image as 784
 * values in a row; the course's Dense model reads them as they are,
 * (n, 784), while a convolutional model wants the picture back,
 * (n, 28, 28, 1): rows, columns, one grey channel. The model's own input
 * layer says which, so training, evaluation and prediction all ask here.
 */
import * as tf from '@tensorflow/tfjs';

/** The values one image takes in `model`'s input: the product of its input shape after the batch axis. */
export function valuesPerInput(model: tf.LayersModel): number {
  return model.inputs[0].shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
}

/** The shape a batch of `count` images takes for `model`: [count, 784] or [count, 28, 28, 1]. */
export function batchShape(model: tf.LayersModel, count: number): number[] {
  return [count, ...model.inputs[0].shape.slice(1).map((d) => d ?? 1)];
}

/** `count` flat images, row after row, as a tensor shaped for `model`. */
export function inputTensor(model: tf.LayersModel, values: Float32Array, count: number): tf.Tensor {
  const shape = batchShape(model, count);
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw new Error(`The model takes ${valuesPerInput(model)} values per image (input shape ${shape.slice(1).join('×')}), ` +
      `but ${count} image(s) came as ${values.length} values. Flatten and normalize the images with prepareSamples() first.`);
  }
  return tf.tensor(values, shape, 'float32');
}
