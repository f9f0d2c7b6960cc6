/**
 * A photo beside what the model is fed: the file as it is, and the 28×28
 * result of the preprocessing, so a student sees what the crop found and
 * what the model had to read.
 */
import { digitPng } from '../figures/digits';
import { showMarkdown } from '../figures/display';
import type { DigitImagePrediction } from './image-file';

function dataUri(png: Uint8Array, mime: string): string {
  return `data:${mime};base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}

/** Markdown: a two-column table, the photo (PNG or JPEG bytes) and the 28×28 input enlarged 5×, then the prediction. */
export function digitReadingMarkdown(photo: Uint8Array, reading: DigitImagePrediction): string {
  const { image } = reading;
  const mime = image.format === 'png' ? 'image/png' : 'image/jpeg';
  const fed = digitPng(image.pixels, { scale: 5 });
  return [
    `| the photo (${image.width}×${image.height} ${image.format}) | what the model is fed (28×28) |`,
    '| :-: | :-: |',
    `| ![the photo](${dataUri(photo, mime)}) | ![the 28×28 input](${dataUri(fed, 'image/png')}) |`,
    '',
    `Read as **${reading.digit}** (p = ${reading.probabilities[reading.digit].toFixed(3)}).`,
  ].join('\n');
}

/** Shows the photo beside the 28×28 input and the prediction in the notebook (outside a kernel it does nothing). */
export function showDigitReading(photo: Uint8Array, reading: DigitImagePrediction): void {
  showMarkdown(digitReadingMarkdown(photo, reading));
}
