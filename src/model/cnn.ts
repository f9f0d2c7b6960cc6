/**
 * The extension's convolutional network. Where the course's Dense model
 * flattens each digit to 784 unrelated numbers, a convolution slides small
 * 3×3 filters over the 28×28 picture, so it sees strokes and their
 * neighbours wherever they are; max pooling halves the picture between
 * convolutions. Compiled like the course model (Adam at 0.001, sparse
 * categorical cross-entropy, accuracy) so the two compare fairly; a seed
 * fixes the initial weights.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SEED } from './model';
import { IMAGE_SIDE } from '../data/image-size';

export interface CnnOptions {
  seed?: number;
  /** Filters of the two convolutions. */
  filters?: [number, number];
  /** Units of a Dense relu layer between the convolutions and the output; 0 for none. */
  hidden?: number;
  /** Colour channels per pixel: 1 for MNIST's grey, 3 for an RGB picture. */
  channels?: number;
  classes?: number;
}

/** 28×28×channels (1 by default) → Conv 3×3 → MaxPool 2×2 → Conv 3×3 → MaxPool 2×2 → Flatten → [Dense relu] → Dense softmax. */
export function createCnn(options: CnnOptions = {}): tf.Sequential {
  const seed = options.seed ?? DEFAULT_SEED;
  const [first, second] = options.filters ?? [32, 64];
  const hidden = options.hidden ?? 128;
  // One seed per layer: the same seed would start every kernel from the same random stream.
  const init = (offset: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({ name: 'mnist_cnn' });
  model.add(tf.layers.conv2d({
    name: 'conv1', inputShape: [IMAGE_SIDE, IMAGE_SIDE, options.channels ?? 1], filters: first, kernelSize: 3, activation: 'relu', kernelInitializer: init(0),
  }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'conv2', filters: second, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  if (hidden > 0) model.add(tf.layers.dense({ name: 'hidden', units: hidden, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ name: 'output', units: options.classes ?? 10, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
