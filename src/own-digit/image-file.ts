/**
 * A student's own digit from an image file: a photo of paper or a drawing
 * saved as PNG or JPEG. The file is decoded in pure JavaScript (pngjs,
 * jpeg-js: nothing native to install), turned upright when a phone's EXIF
 * orientation says so, and put through the same MNIST-style preprocessing
 * as the draw page (src/own-digit/preprocess.ts), polarity detected from the border,
 * since photos of paper are dark ink on a light background.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type * as tf from '@tensorflow/tfjs';
import { DigitPrediction, predictDigit } from '../evaluate/predict';
import { BoundingBox, InkPolarity, PreprocessOptions, RasterImage, preprocessDigit } from './preprocess';

export type ImageFormat = 'png' | 'jpeg';

/** A decoded image: 8-bit RGBA, upright. */
export interface DecodedImage extends RasterImage {
  data: Uint8Array;
  channels: 4;
  format: ImageFormat;
  /** The EXIF orientation that was applied (1 = none); JPEG only. */
  orientation: number;
}

/** A digit image ready for the model. */
export interface DigitImage {
  /** 784 values in [0, 1], 28×28, light ink on black: what the model is fed. */
  pixels: Float32Array;
  /** Size of the image in the file (after turning it upright). */
  width: number;
  height: number;
  format: ImageFormat;
  /** Polarity found in (or given for) the image; photos of paper are dark-on-light. */
  polarity: InkPolarity;
  /** True when no ink stands out from the background: `pixels` are all 0. */
  empty: boolean;
  /** The ink's bounding box in the image; null when empty. */
  box: BoundingBox | null;
}

export interface DigitImagePrediction extends DigitPrediction {
  image: DigitImage;
}

export interface ReadDigitImageOptions extends PreprocessOptions {
  /** Names the image in error messages when bytes are given instead of a path. */
  name?: string;
}

/**
 * Photos carry sensor and JPEG noise that the clean canvas does not, so
 * ink weaker than a fifth of the strongest is taken as background here
 * (preprocessDigit's own default suits clean drawings: 0.1). Measured on
 * MNIST, thresholds up to 0.3 leave a trained model's accuracy unchanged.
 */
const FILE_THRESHOLD = 0.2;

const EXPECTED = 'expected a PNG or JPEG image of a handwritten digit';

function hasPrefix(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

/** The format, judged by the first bytes rather than the name (a .jpg may hold a PNG). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (hasPrefix(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (hasPrefix(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  return undefined;
}

/** Names common formats we do not read, so the error can say what the file is. */
function describeOtherFormat(bytes: Uint8Array): string | undefined {
  const head = ascii(bytes, 0, 64).trimStart().toLowerCase();
  if (ascii(bytes, 0, 4) === 'GIF8') return 'GIF';
  if (ascii(bytes, 0, 2) === 'BM') return 'BMP';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'WebP';
  if (hasPrefix(bytes, [0x49, 0x49, 0x2a, 0x00]) || hasPrefix(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    return /^(heic|heix|hevc|mif1|msf1)$/.test(brand) ? 'HEIC/HEIF (iPhone photo)' : brand === 'avif' ? 'AVIF' : 'ISO media (video or HEIC)';
  }
  if (ascii(bytes, 0, 4) === '%PDF') return 'PDF';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && ascii(bytes, 0, 512).includes('<svg'))) return 'SVG';
  return undefined;
}

function unsupported(name: string, bytes: Uint8Array): Error {
  if (bytes.length === 0) return new Error(`${name} is empty (0 bytes): ${EXPECTED}. Save or export the image again.`);
  const kind = describeOtherFormat(bytes);
  const what = kind === undefined ? 'neither a PNG nor a JPEG (its first bytes match neither)' : `a ${kind} file, not a PNG or JPEG`;
  return new Error(`${name} is ${what}: ${EXPECTED}. Convert it to PNG, e.g. export it as PNG from an image ` +
    `editor, or run \`convert ${path.basename(name)} digit.png\` (ImageMagick).`);
}

/**
 * The EXIF orientation (1–8) of a JPEG, 1 when it has none: phones store
 * portrait photos sideways and set this tag instead of turning the pixels,
 * and a digit lying on its side is misread.
 */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image: no more metadata
    const length = view.getUint16(at + 2);
    const start = at + 4;
    if (marker === 0xe1 && ascii(bytes, start, start + 6) === 'Exif\0\0' && start + length - 2 <= bytes.length) {
      const tiff = start + 6;
      const little = ascii(bytes, tiff, tiff + 2) === 'II';
      if (tiff + 8 > bytes.length) return 1;
      const ifd = tiff + view.getUint32(tiff + 4, little);
      if (ifd + 2 > bytes.length) return 1;
      const entries = view.getUint16(ifd, little);
      for (let e = 0; e < entries; e++) {
        const entry = ifd + 2 + e * 12;
        if (entry + 12 > bytes.length) return 1;
        if (view.getUint16(entry, little) === 0x0112) {
          const value = view.getUint16(entry + 8, little);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    at = start + length - 2;
  }
  return 1;
}

/** Turns 4-channel pixels upright for an EXIF orientation (2–8 mirror and/or rotate). */
function applyOrientation(data: Uint8Array, width: number, height: number, orientation: number): { data: Uint8Array; width: number; height: number } {
  if (orientation === 1) return { data, width, height };
  const swap = orientation >= 5;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // Where displayed pixel (x, y) is stored, per the EXIF specification's eight cases.
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = width - 1 - x; sy = y; break;
        case 3: sx = width - 1 - x; sy = height - 1 - y; break;
        case 4: sx = x; sy = height - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = height - 1 - x; break;
        case 7: sx = width - 1 - y; sy = height - 1 - x; break;
        default: sx = width - 1 - y; sy = x; break; // 8
      }
      out.set(data.subarray((sy * width + sx) * 4, (sy * width + sx) * 4 + 4), (y * outWidth + x) * 4);
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Decodes PNG or JPEG bytes to upright 8-bit RGBA. `name` labels error messages. */
export function decodeImage(bytes: Uint8Array, name = 'the image'): DecodedImage {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`decodeImage: expected the file's bytes as a Buffer or Uint8Array, got ${bytes === null ? 'null' : typeof bytes}.`);
  }
  const format = sniffFormat(bytes);
  if (format === undefined) throw unsupported(name, bytes);
  const label = format === 'png' ? 'PNG' : 'JPEG';
  try {
    if (format === 'png') {
      // pngjs expands every colour type and bit depth to 8-bit RGBA.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4, format, orientation: 1 };
    }
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    const orientation = jpegOrientation(bytes);
    const upright = applyOrientation(decoded.data, decoded.width, decoded.height, orientation);
    return { ...upright, channels: 4, format, orientation };
  } catch (error) {
    throw new Error(`${name} starts like a ${label} file but could not be decoded (${messageOf(error)}): ` +
      `it is probably truncated or damaged. Save or export it again as PNG or JPEG.`);
  }
}

function readBytes(file: string): Uint8Array {
  if (typeof file !== 'string' || file === '') {
    throw new Error(`readDigitImage: expected the path of a PNG or JPEG file, got ${file === '' ? 'an empty string' : typeof file}.`);
  }
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`No image file at ${file}: ${EXPECTED}. Check the path` +
        (path.isAbsolute(file) ? '.' : ` (relative paths start from ${process.cwd()}).`));
    }
    if (code === 'EISDIR') throw new Error(`${file} is a directory: ${EXPECTED} file inside it.`);
    throw new Error(`Cannot read ${file} (${messageOf(error)}): ${EXPECTED} that this process may read.`);
  }
}

/**
 * Reads a PNG or JPEG (a path, or the file's bytes) and preprocesses it
 * like MNIST. An image without a digit gives `empty: true` and zeros.
 */
export function readDigitImage(source: string | Uint8Array, options: ReadDigitImageOptions = {}): DigitImage {
  const bytes = typeof source === 'string' ? readBytes(source) : source;
  const name = options.name ?? (typeof source === 'string' ? source : 'the image');
  const image = decodeImage(bytes, name);
  const digit = preprocessDigit(image, { threshold: FILE_THRESHOLD, ...options });
  return {
    pixels: digit.pixels,
    width: image.width,
    height: image.height,
    format: image.format,
    polarity: digit.polarity,
    empty: digit.empty,
    box: digit.box,
  };
}

/**
 * Reads, preprocesses and predicts one digit image. Refuses an image with
 * no visible digit rather than guessing from a blank input.
 */
export function predictDigitImage(model: tf.LayersModel, source: string | Uint8Array, options: ReadDigitImageOptions = {}): DigitImagePrediction {
  const image = readDigitImage(source, options);
  if (image.empty) {
    const name = options.name ?? (typeof source === 'string' ? source : 'the image');
    throw new Error(`No digit found in ${name}: nothing stands out from its background. Expected a dark digit on light ` +
      'paper (or a light digit on a dark background) that fills a good part of the picture; retake the photo with ' +
      'more contrast, or crop it to the digit.');
  }
  return { ...predictDigit(model, image.pixels), image };
}
