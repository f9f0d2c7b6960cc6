/**
 * Prediction, for many images and for one. Many: tfjs' default batch of 32
 * makes predicting the 10,000 test images take seconds; large batches take a
 * fraction of that, and the results match. One: the course's closing demo,
 * made safe to call with whatever a student has at hand: one image as 28×28, 784, 1×784 or 1×28×28×1 values (0–255 or
 * 0–1) is reshaped to the model's input, (1, 784) for the course's Dense
 * model or (1, 28, 28, 1) for a CNN, predicted, and `argmax` picks the digit.
 * Anything else is refused with a message that says what was given, what is
 * expected and how to fix it: the course's last question.
 */
import * as tf from '@tensorflow/tfjs';
import { Samples } from '../data/prepare';
import { IMAGE_SIDE, IMAGE_SIZE } from '../data/image-size';
import { batchShape, inputTensor } from '../model/model-input';

/** Samples per forward pass when predicting or evaluating many images. */
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

/** A single image as a student might hold it: flat, nested arrays, or a tensor. */
export type ImageInput = ArrayLike<number> | number[][] | number[][][] | number[][][][] | tf.Tensor;

export interface DigitPrediction {
  /** argmax of the probabilities. */
  digit: number;
  /** The model's 10 softmax outputs; they sum to 1. */
  probabilities: number[];
  /** The shape the image was reshaped to before predicting: [1, 784] for the Dense model, [1, 28, 28, 1] for a CNN. */
  inputShape: number[];
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function describeShape(shape: number[]): string {
  return shape.length === 0 ? 'a single number' : shape.join('×');
}

const ACCEPTED = '28×28, 784, 1×784 or 1×28×28×1 values (one grayscale image)';

function shapeError(shape: number[], size: number): Error {
  let fix = 'Reshape it to 28×28 (or flatten it to 784 values).';
  const last = shape[shape.length - 1];
  if (size === IMAGE_SIZE * 3 || (last === 3 && shape.length >= 3)) {
    fix = 'It looks like a colour (RGB) image with 3 channels: convert it to grayscale first, e.g. take the mean of the 3 channels for each pixel.';
  } else if (size === IMAGE_SIZE * 4 || (last === 4 && shape.length >= 3)) {
    fix = 'It looks like an RGBA image with 4 channels: convert it to grayscale (e.g. the mean of R, G and B) and drop alpha.';
  } else if (size === 0) {
    fix = 'The image is empty: pass the pixels of one 28×28 image.';
  } else if (size % IMAGE_SIZE === 0) {
    fix = `It holds ${size / IMAGE_SIZE} images' worth of pixels: predict one image at a time, or use predictLabels() for many.`;
  } else if (shape.length >= 2 && shape[shape.length - 2] !== IMAGE_SIDE) {
    fix = 'Resize the image to 28×28 pixels first (MNIST digits are 28×28).';
  }
  return new Error(`Expected ${ACCEPTED}, but got shape ${describeShape(shape)} (${size} values). ${fix}`);
}

function isAcceptedShape(shape: number[]): boolean {
  const [side, size] = [IMAGE_SIDE, IMAGE_SIZE];
  const accepted = [[size], [side, side], [1, size], [1, side, side], [side, side, 1], [1, side, side, 1]];
  return accepted.some((a) => a.join('x') === shape.join('x'));
}

/**
 * Checks one image and returns its 784 pixels scaled to [0, 1], in a new
 * array. Values above 1 are taken as 0–255 and divided by 255.
 */
export function toModelInput(image: ImageInput): Float32Array {
  let shape: number[];
  let flat: Float32Array;
  if (image instanceof tf.Tensor) {
    shape = image.shape;
    flat = Float32Array.from(image.dataSync());
  } else if (Array.isArray(image) && Array.isArray(image[0])) {
    shape = shapeOf(image);
    flat = Float32Array.from((image as unknown[]).flat(3) as number[]);
  } else {
    const values = image as ArrayLike<number>;
    shape = [values.length];
    flat = Float32Array.from(values);
  }
  if (!isAcceptedShape(shape) || flat.length !== IMAGE_SIZE) throw shapeError(shape, flat.length);
  let max = 0;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (!Number.isFinite(v)) {
      throw new Error(`Expected finite pixel values (0–255 or 0–1), but pixel ${i} is ${v}. ` +
        'Replace missing values (NaN) with 0 before predicting.');
    }
    if (v < 0 || v > 255) {
      throw new Error(`Expected pixel values between 0 and 255 (or 0 and 1), but pixel ${i} is ${v}. ` +
        'Rescale the image to the range 0–255 first.');
    }
    if (v > max) max = v;
  }
  if (max > 1) for (let i = 0; i < flat.length; i++) flat[i] /= 255;
  return flat;
}

/** Reshapes one image to a batch of one in the model's input shape, predicts, and picks the digit with argmax. */
export function predictDigit(model: tf.LayersModel, image: ImageInput): DigitPrediction {
  const pixels = toModelInput(image);
  const probabilities = tf.tidy(() => model.predict(inputTensor(model, pixels, 1)) as tf.Tensor2D);
  const values = probabilities.dataSync() as Float32Array;
  probabilities.dispose();
  return { digit: argmaxRows(values, values.length)[0], probabilities: Array.from(values), inputShape: batchShape(model, 1) };
}

/** A grayscale image copied into 3 equal channels: 28×28 → 28×28×3, as a colour photo would arrive. */
export function grayToRgb(pixels: ArrayLike<number>, side = IMAGE_SIDE): number[][][] {
  return Array.from({ length: side }, (_, r) => Array.from({ length: side }, (_, c) => {
    const v = pixels[r * side + c];
    return [v, v, v];
  }));
}

/** The fix the error message suggests: the mean of the colour channels for each pixel, 28×28×3 → 28×28. */
export function rgbToGray(image: number[][][]): number[][] {
  return image.map((row) => row.map((channels) => channels.reduce((a, b) => a + b, 0) / channels.length));
}
