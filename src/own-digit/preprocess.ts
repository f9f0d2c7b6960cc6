/**
 * MNIST-style preprocessing of a hand-drawn or photographed digit, so that
 * the course's model (trained on MNIST) reads it the way it reads MNIST:
 * grayscale → ink polarity (MNIST is light ink on black) → the paper's
 * brightness removed, measured locally (a shadow is not ink) → the digit's
 * ink found among noise, specks, ruled lines and the sheet's edge
 * (./ink-mask.ts) → crop to its bounding box → scale the box into 20×20
 * keeping the aspect ratio (area averaging when shrinking, bilinear when
 * enlarging) → place it in a 28×28 frame so that its centre of mass sits at
 * (14, 14) → values in [0, 1]. That is how LeCun et al. built MNIST from
 * the NIST scans.
 *
 * One module serves Node, the notebook and the draw page: it is pure
 * TypeScript over typed arrays (no tfjs, no DOM, no Node), because
 * `npm run build` bundles it with esbuild for the browser
 * (lib/web/preprocess.js, built with --platform=browser, so a Node import
 * would fail the build). It imports only ../data/image-size, ../data/stats
 * and ./ink-mask (which finds the digit's ink in a noisy photo), all
 * import-free.
 */
import { IMAGE_SIDE } from '../data/image-size';
import { median } from '../data/stats';
import { digitInk, localBackground, robustNoise } from './ink-mask';

export { IMAGE_SIDE };
/** MNIST digits were scaled so that their bounding box's longer side is 20 pixels. */
export const MNIST_BOX = 20;
/** Where MNIST puts a digit's centre of mass, in pixel indices (column, row). Measured on the test set: (14.0, 14.0). */
export const MNIST_CENTER = 14;

/** Which way round the ink is: MNIST is light-on-dark (white ink on black). */
export type InkPolarity = 'dark-on-light' | 'light-on-dark';

/**
 * Pixels as a canvas, a decoded PNG/JPEG or a plain array holds them:
 * row-major, `channels` values per pixel (1 gray, 2 gray+alpha, 3 RGB,
 * 4 RGBA). A canvas's ImageData fits as it is.
 */
export interface RasterImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
  /** Values per pixel; default data.length / (width × height). */
  channels?: number;
}

export interface PreprocessOptions {
  /**
   * 'auto' (default) reads the background from the image's border: a light
   * border means dark ink on a light background (paper, a white canvas).
   */
  polarity?: InkPolarity | 'auto';
  /**
   * The value of full brightness: 255 or 1. Default 255 for Uint8Array and
   * Uint8ClampedArray; for other arrays 255 when any value exceeds 1, else 1.
   */
  maxValue?: number;
  /**
   * The faintest ink, as a fraction of the strongest, that still belongs
   * to the digit (its anti-aliased edges, as MNIST keeps them); fainter is
   * background. Default 0.1. Noise needs no higher value: the digit is found
   * by its connected strong ink first (src/own-digit/ink-mask.ts), and grows only
   * into ink above 3.5 noise standard deviations. Measured on MNIST's
   * 10,000 test digits put on paper and read back, against the same digits
   * fed directly: printed as their pixels, the course's Dense model loses
   * 0.04 point with 0.1 (test/own-digit/photos.spec.ts). Smoothed before
   * printing, which blurs them by itself, one Dense model lost 0.03 point
   * and the extension's CNN 0.04 (bench/own-digit-photos.ts), another Dense
   * model 0.22; on that one, thresholds of 0.02, 0.05, 0.2 and 0.3 lost
   * 0.25, 0.19, 0.24 and 0.37. A higher threshold is not free, then.
   */
  threshold?: number;
  /**
   * The least difference from the background, on a 0–1 scale, that counts
   * as ink at all; below it the image is `empty`. Default 0.1.
   */
  minContrast?: number;
}

/** A rectangle in the input image's pixels. */
export interface BoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreprocessedDigit {
  /** 784 values in [0, 1], row-major 28×28, light ink on black: what the model is fed. */
  pixels: Float32Array;
  /** True when no ink was found: `pixels` are then all 0 (never NaN). */
  empty: boolean;
  /** The polarity used: detected, or as given. */
  polarity: InkPolarity;
  /** The ink's bounding box in the input image; null when empty. */
  box: BoundingBox | null;
  /** Brightness of the background in the input, 0 (black) to 1 (white). */
  background: number;
  /** Centre of mass of `pixels` in pixel indices (column x, row y); null when empty. */
  centerOfMass: { x: number; y: number } | null;
  /** Size of the digit inside the 28×28 frame, after scaling (longer side 20). */
  scaledSize: { width: number; height: number } | null;
}

const DEFAULT_THRESHOLD = 0.1;
const DEFAULT_MIN_CONTRAST = 0.1;

function fail(message: string): never {
  throw new Error(`preprocessDigit: ${message}`);
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(`expected ${name} to be a whole number of at least 1, got ${String(value)}.`);
  }
  return value;
}

function fraction(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!(v >= 0 && v <= 1)) fail(`expected ${name} between 0 and 1, got ${v}.`);
  return v;
}

function isByteArray(data: ArrayLike<number>): boolean {
  return data instanceof Uint8Array || data instanceof Uint8ClampedArray;
}

/** Checks the image's shape and values; returns its channel count and full-scale value. */
function checkImage(image: RasterImage, maxValue?: number): { channels: number; scale: number } {
  if (image === null || typeof image !== 'object' || image.data === undefined || typeof image.data.length !== 'number') {
    fail('expected an image {data, width, height} (such as a canvas ImageData or a decoded PNG), ' +
      `got ${image === null ? 'null' : typeof image}.`);
  }
  const width = positiveInteger(image.width, 'width');
  const height = positiveInteger(image.height, 'height');
  const count = width * height;
  const length = image.data.length;
  const channels = image.channels ?? length / count;
  if (![1, 2, 3, 4].includes(channels)) {
    fail(`a ${width}×${height} image needs ${count} (gray), ${count * 3} (RGB) or ${count * 4} (RGBA) values, ` +
      `got ${length}${image.channels === undefined ? '' : ` for ${image.channels} channels`}. ` +
      'Check width and height, or pass channels (1–4).');
  }
  if (length !== count * channels) {
    fail(`a ${width}×${height} image with ${channels} channels needs ${count * channels} values, got ${length}.`);
  }
  let max = 0;
  for (let i = 0; i < length; i++) {
    const v = image.data[i];
    if (!Number.isFinite(v) || v < 0) {
      fail(`expected pixel values of 0 or more, but value ${i} is ${v}. Replace missing values (NaN) with 0 first.`);
    }
    if (v > max) max = v;
  }
  const scale = maxValue ?? (isByteArray(image.data) || max > 1 ? 255 : 1);
  if (!(scale > 0) || !Number.isFinite(scale)) fail(`expected maxValue to be a positive number (255 or 1), got ${maxValue}.`);
  if (max > scale) {
    fail(`expected values from 0 to ${scale}, but the largest is ${max}. Rescale the image to 0–255 first` +
      `${maxValue === undefined ? '' : ', or pass the right maxValue'}.`);
  }
  return { channels, scale };
}

/** Perceived brightness (ITU-R BT.601 weights, as most grayscale conversions use). */
function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/**
 * Brightness 0–1 per pixel. Transparent pixels are composited over a
 * backdrop, since a canvas nobody painted is transparent black: when less
 * than half of the image is opaque, the opaque pixels are the drawing and
 * the backdrop takes the opposite colour to them; otherwise the opaque
 * pixels are mostly background and the backdrop takes their colour.
 */
export function toGrayscale(image: RasterImage, maxValue?: number): Float32Array {
  const { channels, scale } = checkImage(image, maxValue);
  const { data } = image;
  const count = image.width * image.height;
  const gray = new Float32Array(count);
  const alpha = channels === 2 || channels === 4 ? new Float32Array(count) : null;
  let opaque = 0;
  let opaqueLuma = 0;
  let translucent = false;
  for (let i = 0; i < count; i++) {
    const at = i * channels;
    const value = channels >= 3 ? luma(data[at], data[at + 1], data[at + 2]) : data[at];
    gray[i] = value / scale;
    if (alpha !== null) {
      const a = data[at + channels - 1] / scale;
      alpha[i] = a;
      opaque += a;
      opaqueLuma += a * gray[i];
      if (a < 1) translucent = true;
    }
  }
  if (alpha === null || !translucent) return gray;
  const meanOpaque = opaque > 0 ? opaqueLuma / opaque : 1;
  const opaqueIsInk = opaque < count / 2;
  const lightOpaque = meanOpaque > 0.5;
  const backdrop = opaqueIsInk ? (lightOpaque ? 0 : 1) : (lightOpaque ? 1 : 0);
  for (let i = 0; i < count; i++) gray[i] = alpha[i] * gray[i] + (1 - alpha[i]) * backdrop;
  return gray;
}

/**
 * Median brightness of the image's outermost rows and columns: the
 * background, as long as the digit covers less than half of the border (a
 * median, not a mean, so ink touching the edge does not shift it).
 */
export function borderBrightness(gray: ArrayLike<number>, width: number, height: number): number {
  const border: number[] = [];
  for (let x = 0; x < width; x++) {
    border.push(gray[x]);
    if (height > 1) border.push(gray[(height - 1) * width + x]);
  }
  for (let y = 1; y < height - 1; y++) {
    border.push(gray[y * width]);
    if (width > 1) border.push(gray[y * width + width - 1]);
  }
  return median(border);
}

/** Dark ink on a light background when the border is light (brighter than mid-grey). */
export function detectPolarity(gray: ArrayLike<number>, width: number, height: number): InkPolarity {
  return borderBrightness(gray, width, height) > 0.5 ? 'dark-on-light' : 'light-on-dark';
}

/** Centre of mass in pixel indices (x = column, y = row); null when there is no mass. */
export function centerOfMass(pixels: ArrayLike<number>, width: number, height: number): { x: number; y: number } | null {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      mass += v;
      sx += x * v;
      sy += y * v;
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

/**
 * Resamples `count` lines of `length` samples (sample i of line l at
 * l × lineStride + i × step) to `target` samples each. Shrinking averages
 * the source interval each output sample covers (area averaging: thin
 * strokes turn grey instead of vanishing between samples); enlarging
 * interpolates linearly between sample centres.
 */
function resampleLines(src: Float32Array, count: number, length: number, lineStride: number, step: number,
  target: number, dst: Float32Array, dstLineStride: number, dstStep: number): void {
  const ratio = length / target;
  for (let l = 0; l < count; l++) {
    const s0 = l * lineStride;
    const d0 = l * dstLineStride;
    for (let j = 0; j < target; j++) {
      let value: number;
      if (ratio > 1) {
        const start = j * ratio;
        const end = start + ratio;
        let sum = 0;
        for (let i = Math.floor(start); i < end && i < length; i++) {
          const overlap = Math.min(end, i + 1) - Math.max(start, i);
          sum += overlap * src[s0 + i * step];
        }
        value = sum / ratio;
      } else {
        const pos = Math.min(length - 1, Math.max(0, (j + 0.5) * ratio - 0.5));
        const i = Math.floor(pos);
        const t = pos - i;
        const next = Math.min(length - 1, i + 1);
        value = (1 - t) * src[s0 + i * step] + t * src[s0 + next * step];
      }
      dst[d0 + j * dstStep] = value;
    }
  }
}

/**
 * Resizes a one-channel image, each axis on its own: area averaging along
 * an axis that shrinks, bilinear along one that grows (separable, so this
 * is exact area averaging / bilinear interpolation in 2-D).
 */
export function resize(src: Float32Array, width: number, height: number, newWidth: number, newHeight: number): Float32Array {
  if (src.length !== width * height) throw new Error(`resize: expected ${width * height} values for ${width}×${height}, got ${src.length}.`);
  if (!(Number.isInteger(newWidth) && newWidth >= 1 && Number.isInteger(newHeight) && newHeight >= 1)) {
    throw new Error(`resize: expected a target size of whole numbers ≥ 1, got ${newWidth}×${newHeight}.`);
  }
  const rows = new Float32Array(newWidth * height);
  resampleLines(src, height, width, width, 1, newWidth, rows, newWidth, 1);
  const out = new Float32Array(newWidth * newHeight);
  resampleLines(rows, newWidth, height, 1, newWidth, newHeight, out, 1, newWidth);
  return out;
}

/**
 * The full MNIST-style preprocessing of one image of any size: see the
 * module header. Never returns NaN: an image without ink gives 784 zeros
 * and `empty: true`.
 */
export function preprocessDigit(image: RasterImage, options: PreprocessOptions = {}): PreprocessedDigit {
  const threshold = fraction(options.threshold, DEFAULT_THRESHOLD, 'threshold');
  const minContrast = fraction(options.minContrast, DEFAULT_MIN_CONTRAST, 'minContrast');
  const requested = options.polarity ?? 'auto';
  if (requested !== 'auto' && requested !== 'dark-on-light' && requested !== 'light-on-dark') {
    fail(`expected polarity 'auto', 'dark-on-light' or 'light-on-dark', got ${String(requested)}.`);
  }
  const gray = toGrayscale(image, options.maxValue);
  const { width, height } = image;
  const background = borderBrightness(gray, width, height);
  const polarity = requested === 'auto' ? (background > 0.5 ? 'dark-on-light' : 'light-on-dark') : requested;

  // Ink strength 0–1 above the paper, measured locally so that a shadow,
  // grey paper or a dim photo starts from 0 like MNIST's black; on dark-on-light
  // paper as a fraction of the paper's own brightness, which a shadow scales.
  const invert = polarity === 'dark-on-light';
  const signal = new Float32Array(gray.length);
  for (let i = 0; i < gray.length; i++) signal[i] = invert ? 1 - gray[i] : gray[i];
  const paper = localBackground(signal, width, height);
  const ink = new Float32Array(gray.length);
  let strongest = 0;
  for (let i = 0; i < gray.length; i++) {
    const v = (signal[i] - paper[i]) / (invert ? Math.max(0.2, 1 - paper[i]) : 1);
    ink[i] = v;
    if (v > strongest) strongest = v;
  }
  // The local background is a 20th percentile: with noise, that lies 0.84
  // standard deviations below the paper's mean, which is taken back here.
  const noise = robustNoise(ink);
  const bias = 0.84 * noise;
  strongest -= bias;
  for (let i = 0; i < ink.length; i++) ink[i] = Math.max(0, ink[i] - bias);
  const result: PreprocessedDigit = {
    pixels: new Float32Array(IMAGE_SIDE * IMAGE_SIDE), empty: true, polarity, box: null, background, centerOfMass: null, scaledSize: null,
  };
  if (strongest < minContrast) return result;

  // The digit's ink (src/own-digit/ink-mask.ts): not noise, specks, lines or the sheet's edge.
  const mask = digitInk(ink, width, height, threshold, noise);
  if (mask.box === null) return result;
  const framed = frameDigit(ink, width, mask.box);
  if (framed === null) return result;
  return { ...result, ...framed, empty: false, box: mask.box };
}

/**
 * MNIST's framing of the ink inside `box` (ink strength 0–1, row-major,
 * `width` wide): longer side scaled to 20, centre of mass to (14, 14),
 * strongest ink to 1. Null when the box holds no ink.
 */
export function frameDigit(ink: Float32Array, width: number, box: BoundingBox): Pick<PreprocessedDigit, 'pixels' | 'centerOfMass' | 'scaledSize'> | null {
  const { x: x0, y: y0, width: boxWidth, height: boxHeight } = box;
  const crop = new Float32Array(boxWidth * boxHeight);
  for (let y = 0; y < boxHeight; y++) crop.set(ink.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + boxWidth), y * boxWidth);

  // Longer side to 20 pixels, the other in proportion (at least 1 pixel).
  const factor = MNIST_BOX / Math.max(boxWidth, boxHeight);
  const scaledWidth = Math.min(MNIST_BOX, Math.max(1, Math.round(boxWidth * factor)));
  const scaledHeight = Math.min(MNIST_BOX, Math.max(1, Math.round(boxHeight * factor)));
  const scaled = resize(crop, boxWidth, boxHeight, scaledWidth, scaledHeight);

  // Whole-pixel shift that brings the centre of mass nearest to (14, 14),
  // as MNIST did (a fractional shift would blur the strokes); kept inside
  // the frame, which only matters for very lopsided shapes.
  const com = centerOfMass(scaled, scaledWidth, scaledHeight);
  if (com === null) return null;
  const left = Math.min(IMAGE_SIDE - scaledWidth, Math.max(0, Math.round(MNIST_CENTER - com.x)));
  const top = Math.min(IMAGE_SIDE - scaledHeight, Math.max(0, Math.round(MNIST_CENTER - com.y)));

  // The strongest ink becomes 1, as MNIST's strokes are saturated; a
  // thin stroke that area averaging turned grey comes back to full strength.
  let peak = 0;
  for (let i = 0; i < scaled.length; i++) if (scaled[i] > peak) peak = scaled[i];
  const pixels = new Float32Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let y = 0; y < scaledHeight; y++) {
    for (let x = 0; x < scaledWidth; x++) {
      pixels[(top + y) * IMAGE_SIDE + left + x] = Math.min(1, scaled[y * scaledWidth + x] / peak);
    }
  }
  return { pixels, centerOfMass: { x: com.x + left, y: com.y + top }, scaledSize: { width: scaledWidth, height: scaledHeight } };
}
