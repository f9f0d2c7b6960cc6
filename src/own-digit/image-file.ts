/**
 * A student's own digit from an image file: a photo of paper or a drawing
 * saved as PNG or JPEG. The header is read first and a size this process
 * should not decode is refused with the limit and how to shrink the photo
 * (a 68-byte PNG can claim 2^31−1 pixels a side). The file is decoded in pure
 * JavaScript (pngjs, jpeg-js: nothing native to install), a large photo
 * reduced to about a thousand pixels a side (a JPEG while decoding, so a
 * 50 MP phone photo fits in bounded memory), turned upright when a phone's
 * EXIF orientation says so, and put through the same MNIST-style
 * preprocessing as the draw page (src/own-digit/preprocess.ts), polarity
 * detected from the border, since photos of paper are dark ink on a light
 * background.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import type * as tf from '@tensorflow/tfjs';
import { DigitPrediction, predictDigit } from '../evaluate/predict';
import { BoundingBox, InkPolarity, PreprocessOptions, RasterImage, preprocessDigit } from './preprocess';
import { ImageFormat, ImageHeader, describeOtherFormat, readImageHeader, sniffFormat } from './image-header';
import { decodeJpegReduced } from './jpeg-reduced';
import { DECODED_SIDE, reducePixels, reducedSize, reductionFactor } from './reduce-rgba';
import { messageOf } from '../data/error-message';

export { ImageFormat, sniffFormat };

/** A decoded image: 8-bit RGBA, upright, reduced to at most DECODED_SIDE pixels a side. */
export interface DecodedImage extends RasterImage {
  data: Uint8Array;
  channels: 4;
  format: ImageFormat;
  /** The EXIF orientation that was applied (1 = none); JPEG only. */
  orientation: number;
  /** Size in the file, upright (width and height above are after reduction). */
  fileWidth: number;
  fileHeight: number;
  /** File pixels per decoded pixel along each side: 1, or the whole factor a large photo was reduced by. */
  reduction: number;
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
  /** The ink's bounding box in the file's pixels (upright); null when empty. */
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
 * The most pixels an image file may have: 64 megapixels (2^26, e.g.
 * 9248×6936, what "64 MP" phone cameras give; "50 MP" ones give 8160×6120).
 * Measured with bench/own-digit-photos.ts, reading a 50 MP JPEG (8160×6120)
 * peaked at 830 MB resident, 680 MB above the process's own 150 MB (25 MP:
 * 350 MB above), so about 1 GB at this limit. A PNG is decoded whole by
 * pngjs (not measured; phones save photos as JPEG).
 */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;
/** The longest side an image file may have (a long panorama is no photo of one digit). */
export const MAX_IMAGE_SIDE = 20000;

const EXPECTED = 'expected a PNG or JPEG image of a handwritten digit';

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

function unsupported(name: string, bytes: Uint8Array): Error {
  if (bytes.length === 0) return new Error(`${name} is empty (0 bytes): ${EXPECTED}. Save or export the image again.`);
  const kind = describeOtherFormat(bytes);
  const what = kind === undefined ? 'neither a PNG nor a JPEG (its first bytes match neither)' : `a ${kind} file, not a PNG or JPEG`;
  return new Error(`${name} is ${what}: ${EXPECTED}. Convert it to PNG, e.g. export it as PNG from an image ` +
    `editor, or run \`convert ${path.basename(name)} digit.png\` (ImageMagick).`);
}

const SHRINK_HOW = 'Shrink it first: crop the photo to the digit, or save a smaller copy ' +
  '(e.g. `convert photo.jpg -resize 2000x2000 digit.jpg` with ImageMagick, or set the camera to 12 MP).';

/** Refuses, before decoding, a size this process should not decode; says the limit and how to shrink. */
function checkSize(name: string, header: ImageHeader): void {
  const { width, height } = header;
  const label = header.format === 'png' ? 'PNG' : 'JPEG';
  if (width === 0 || height === 0) {
    throw new Error(`${name} is a ${label} file whose header gives a size of ${width}×${height} pixels: it is damaged ` +
      '(or a JPEG that gives its height only at the end, which jpeg-js cannot read). Save or export it again as PNG or JPEG.');
  }
  const pixels = width * height;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || pixels > MAX_IMAGE_PIXELS) {
    throw new Error(`${name} is a ${label} file of ${width}×${height} pixels (${(pixels / 1e6).toFixed(1)} megapixels), ` +
      `larger than this reader takes: at most ${MAX_IMAGE_PIXELS / 1024 / 1024} megapixels (2^26 pixels) and ` +
      `${MAX_IMAGE_SIDE} pixels a side. ${SHRINK_HOW}`);
  }
  if (header.format === 'jpeg') {
    if (header.process !== 'baseline' && header.process !== 'extended' && header.process !== 'progressive') {
      throw new Error(`${name} is a ${header.process} JPEG, which the JPEG reader (jpeg-js) does not decode: ` +
        'only baseline and progressive JPEGs, which is what cameras and image editors write. Save it again as PNG, or as an ordinary JPEG.');
    }
    if (![1, 3, 4].includes(header.components ?? 0)) {
      throw new Error(`${name} is a JPEG with ${header.components} colour components: ${EXPECTED} in gray, colour or CMYK. Save it again as PNG.`);
    }
  }
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


/**
 * Decodes PNG or JPEG bytes to upright 8-bit RGBA, reduced by a whole
 * factor to at most DECODED_SIDE pixels a side. The header is read first:
 * a size over MAX_IMAGE_PIXELS or MAX_IMAGE_SIDE is refused before any
 * decoding. `name` labels error messages.
 */
export function decodeImage(bytes: Uint8Array, name = 'the image'): DecodedImage {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`decodeImage: expected the file's bytes as a Buffer or Uint8Array, got ${bytes === null ? 'null' : typeof bytes}.`);
  }
  const format = sniffFormat(bytes);
  if (format === undefined) throw unsupported(name, bytes);
  const label = format === 'png' ? 'PNG' : 'JPEG';
  const damaged = (reason: string): Error => new Error(`${name} starts like a ${label} file but could not be decoded (${reason}): ` +
    'it is probably truncated or damaged. Save or export it again as PNG or JPEG.');
  let header: ImageHeader;
  try {
    header = readImageHeader(bytes);
  } catch (error) {
    throw damaged(messageOf(error));
  }
  checkSize(name, header);
  const factor = reductionFactor(header.width, header.height, DECODED_SIDE);
  let decoded: { data: Uint8Array; width: number; height: number };
  try {
    if (format === 'png') {
      // pngjs expands every colour type, palette, bit depth (16 → 8) and interlacing to 8-bit RGBA.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
      decoded = { data: reducePixels(rgba, png.width, png.height, 4, factor), ...reducedSize(png.width, png.height, factor) };
    } else {
      decoded = decodeJpegReduced(bytes, factor);
    }
  } catch (error) {
    throw damaged(messageOf(error));
  }
  const orientation = format === 'jpeg' ? jpegOrientation(bytes) : 1;
  const upright = applyOrientation(decoded.data, decoded.width, decoded.height, orientation);
  const swap = orientation >= 5;
  return {
    ...upright, channels: 4, format, orientation, reduction: factor,
    fileWidth: swap ? header.height : header.width, fileHeight: swap ? header.width : header.height,
  };
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
  const digit = preprocessDigit(image, options);
  // The box back in the file's pixels (the decoded image may be reduced).
  const k = image.reduction;
  const box = digit.box === null ? null : {
    x: digit.box.x * k, y: digit.box.y * k,
    width: Math.min(image.fileWidth - digit.box.x * k, digit.box.width * k), height: Math.min(image.fileHeight - digit.box.y * k, digit.box.height * k),
  };
  return {
    pixels: digit.pixels,
    width: image.fileWidth,
    height: image.fileHeight,
    format: image.format,
    polarity: digit.polarity,
    empty: digit.empty,
    box,
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
