/**
 * The course's preparation step: pixels 0–255 become float32 values in
 * [0, 1] (divided by 255), each 28×28 image is flattened to 784 inputs, and
 * a share of the training images can be held back for validation. Works on
 * typed arrays; `toTensors` is the one place they become tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIDE } from './image-size';
import { forEachPiece } from './tensor-pieces';
import type { ImageSet } from './mnist';

/** Images as flat rows of pixels, with their labels. */
export interface Samples {
  /** `count × features` values, row after row. */
  x: Float32Array;
  /** One label 0–9 per row. */
  y: Uint8Array;
  count: number;
  /** Values per row: 784 for a flattened 28×28 image. */
  features: number;
}

/** Divides every pixel by 255, giving float32 values in [0, 1]. */
export function normalizePixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/**
 * Flattens each image to `rows × cols` inputs, normalized to [0, 1] unless
 * `normalize` is false (the course's question 1 trains on raw pixels to
 * show why it matters). `limit` keeps only the first N images.
 */
export function prepareSamples(set: ImageSet, options: { normalize?: boolean; limit?: number } = {}): Samples {
  const features = set.rows * set.cols;
  const count = Math.min(set.count, options.limit ?? set.count);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`Expected a positive whole number of samples to keep, got ${options.limit}.`);
  }
  const pixels = set.images.subarray(0, count * features);
  const x = options.normalize === false ? Float32Array.from(pixels) : normalizePixels(pixels);
  return { x, y: set.labels.slice(0, count), count, features };
}

/**
 * How many of `count` samples train and how many are held back for
 * validation with `validationSplit: fraction`: Keras' rule, computed as tfjs'
 * model.fit computes it (the first floor(count × (1 − fraction)) train), so
 * every place that states the split agrees with model.fit to the sample
 * (1,000 at 0.33: 669 and 331; MNIST at 0.1: 54,000 and 6,000).
 */
export function validationSplitCounts(count: number, fraction: number): { trainCount: number; validationCount: number } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`Expected a validation fraction between 0 and 1 (e.g. 0.1), got ${fraction}.`);
  }
  const trainCount = Math.floor(count * (1 - fraction));
  return { trainCount, validationCount: count - trainCount };
}

/**
 * Holds back the last `fraction` of the samples for validation, as Keras'
 * `validation_split` does (no shuffling, so the split is reproducible), with
 * its very rule (validationSplitCounts).
 */
export function splitValidation(samples: Samples, fraction: number): { train: Samples; validation: Samples } {
  const { trainCount, validationCount } = validationSplitCounts(samples.count, fraction);
  if (validationCount < 1 || trainCount < 1) {
    throw new Error(`A validation fraction of ${fraction} leaves ${trainCount} training and ${validationCount} ` +
      `validation samples out of ${samples.count}; both need at least one.`);
  }
  const cut = trainCount * samples.features;
  return {
    train: { x: samples.x.subarray(0, cut), y: samples.y.subarray(0, trainCount), count: trainCount, features: samples.features },
    validation: {
      x: samples.x.subarray(cut), y: samples.y.subarray(trainCount), count: validationCount, features: samples.features,
    },
  };
}

/**
 * The same digits somewhere else in the frame: every image moved `right`
 * pixels to the right and `down` pixels down (negative values move it left
 * or up), the uncovered border left as background (0).
 */
export function shiftSamples(samples: Samples, right: number, down: number, side = IMAGE_SIDE): Samples {
  if (samples.features !== side * side) {
    throw new Error(`Expected square images of ${side}×${side} = ${side * side} values per sample, got ${samples.features}; ` +
      'pass the side length of your images as the fourth argument.');
  }
  if (!Number.isInteger(right) || !Number.isInteger(down)) {
    throw new Error(`Expected whole numbers of pixels to shift by, got right = ${right} and down = ${down}.`);
  }
  const x = new Float32Array(samples.x.length);
  for (let n = 0; n < samples.count; n++) {
    const image = n * samples.features;
    for (let row = Math.max(0, down); row < Math.min(side, side + down); row++) {
      const from = image + (row - down) * side;
      const start = Math.max(0, right);
      const end = Math.min(side, side + right);
      x.set(samples.x.subarray(from + start - right, from + end - right), image + row * side + start);
    }
  }
  return { x, y: samples.y, count: samples.count, features: samples.features };
}

/** The samples as tensors: x of shape (count, features), y as int32 labels. Dispose both when done. */
export function toTensors(samples: Samples): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(samples.x, [samples.count, samples.features], 'float32'),
    y: tf.tensor1d(Int32Array.from(samples.y), 'int32'),
  };
}

/**
 * Smallest, largest and mean value: what normalization changes. Takes the
 * raw bytes, or a tensor such as the normalized images (read back in
 * pieces, not as a second whole copy); the mean is summed in float64.
 */
export function pixelStats(values: ArrayLike<number> | tf.Tensor): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  const visit = (part: ArrayLike<number>): void => {
    for (let i = 0; i < part.length; i++) {
      const v = part[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
  };
  if (values instanceof tf.Tensor) forEachPiece(values, visit);
  else visit(values);
  const count = values instanceof tf.Tensor ? values.size : values.length;
  return { min, max, mean: count === 0 ? NaN : sum / count };
}
