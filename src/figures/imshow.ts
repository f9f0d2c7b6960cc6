/**
 * Matplotlib's `plt.imshow(pic, cmap='gray')` for the workbook: one image,
 * given as a tensor or as pixels (28×28 or 784 values, 0–1 or 0–255), shown
 * as a PNG in the notebook's output, white ink on black like MNIST.
 */
import * as tf from '@tensorflow/tfjs';
import { digitPng, DigitImageOptions } from './digits';
import { showPng } from './display';

/** Shows one grayscale image in the notebook (nothing outside one). */
export function imshow(image: tf.Tensor | ArrayLike<number>, options: DigitImageOptions = {}): void {
  const values = image instanceof tf.Tensor ? image.dataSync() : image;
  const pixels = Float32Array.from(values as ArrayLike<number>);
  // 0–255 data is shown as it is; 0–1 data (normalized) as fractions of white.
  const max = pixels.reduce((a, b) => Math.max(a, b), 0);
  showPng(max > 1 ? digitPng(Uint8Array.from(pixels), { scale: 4, ...options }) : digitPng(pixels, { scale: 4, ...options }));
}
