/**
 * Decoding a JPEG at reduced size with jpeg-js, so that a 50-megapixel phone
 * photo fits in bounded memory. jpeg-js's `decode` always returns the full
 * image (plus its own full-size copy, which refused a 25 MP photo at its
 * 512 MB cap), but its decoder class can hand over each colour component's
 * rows before they are turned into pixels. We average those rows over
 * k×k blocks and let jpeg-js's own colour conversion (YCbCr, CMYK, Adobe
 * YCCK) run on the reduced planes only. The class is not exported, so it is
 * taken from jpeg-js's decoder source; a changed jpeg-js fails loudly here,
 * not silently (test/own-digit/image-file.spec.ts reads photos through it).
 */
import * as fs from 'fs';
import { reduceRows, reducedSize } from './reduce-rgba';

interface JpegComponent {
  lines: Uint8Array[];
  scaleX: number;
  scaleY: number;
}

interface JpegDecoder {
  opts: Record<string, unknown>;
  width: number;
  height: number;
  components: JpegComponent[];
  parse(data: Uint8Array): void;
  copyToImageData(image: { width: number; height: number; data: Uint8Array }, formatAsRGBA: boolean): void;
}

interface JpegDecoderClass {
  new (): JpegDecoder;
  resetMaxMemoryUsage(bytes: number): void;
}

/**
 * The memory jpeg-js may use while parsing (its coefficient blocks and
 * component rows, ~9 bytes per pixel for colour photos): a safety net
 * above what the size limit allows, not the limit itself.
 */
const PARSE_MEMORY_MB = 1024;

let decoderClass: JpegDecoderClass | undefined;

/** Blocks of 64 coefficients cut from pools of POOL_BLOCKS blocks. */
const POOL_BLOCKS = 4096;
let pool = new Int16Array(0);
let poolNext = 0;

function pooledBlock(): Int16Array {
  if (poolNext + 64 > pool.length) {
    pool = new Int16Array(POOL_BLOCKS * 64);
    poolNext = 0;
  }
  poolNext += 64;
  return pool.subarray(poolNext - 64, poolNext);
}

function loadDecoderClass(): JpegDecoderClass {
  if (decoderClass !== undefined) return decoderClass;
  const file = require.resolve('jpeg-js/lib/decoder.js');
  const source = fs.readFileSync(file, 'utf8');
  if (!/^var JpegImage = /m.test(source)) {
    throw new Error(`jpeg-js changed: ${file} no longer defines JpegImage, which src/own-digit/jpeg-reduced.ts decodes with.`);
  }
  // jpeg-js gives every 8×8 block of coefficients its own Int32Array(64):
  // over a million small arrays for a 50 MP photo, most of its memory.
  // Quantized coefficients of 8-bit JPEGs fit in 16 bits, so the blocks are
  // cut from shared Int16Arrays instead: reading a 25 MP photo then peaked
  // at 464 MB resident instead of 930 MB, and took half the time.
  const perBlock = 'row.push(new Int32Array(64));';
  if (source.split(perBlock).length !== 2) {
    throw new Error(`jpeg-js changed: ${file} no longer allocates its blocks as src/own-digit/jpeg-reduced.ts expects.`);
  }
  const pooled = source.replace(perBlock, 'row.push(pooledBlock());');
  // The file is jpeg-js's own CommonJS module; run it with a private `module` and take its decoder class.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('module', 'Buffer', 'pooledBlock', `${pooled}\nreturn JpegImage;`) as
    (module: object, buffer: typeof Buffer, block: () => Int16Array) => JpegDecoderClass;
  decoderClass = factory({ exports: {} }, Buffer, pooledBlock);
  return decoderClass;
}

/** RGBA pixels of the JPEG, reduced by a whole `factor` (1 = full size) by block averaging. */
export function decodeJpegReduced(bytes: Uint8Array, factor: number): { data: Uint8Array; width: number; height: number } {
  const Decoder = loadDecoderClass();
  const decoder = new Decoder();
  decoder.opts = { colorTransform: undefined, useTArray: true, formatAsRGBA: true, tolerantDecoding: true, maxResolutionInMP: 1000, maxMemoryUsageInMB: PARSE_MEMORY_MB };
  Decoder.resetMaxMemoryUsage(PARSE_MEMORY_MB * 1024 * 1024);
  try {
    decoder.parse(bytes);
  } finally {
    // The last pool would otherwise stay alive (and shared) until the next photo.
    pool = new Int16Array(0);
    poolNext = 0;
  }
  const { width, height } = decoder;
  const out = reducedSize(width, height, factor);
  // Each component at the reduced size: its rows are sampled at the
  // component's own resolution (chroma is often half), then block-averaged.
  decoder.components = decoder.components.map((component) => {
    const line = new Uint8Array(width);
    const plane = reduceRows((y) => {
      const source = component.lines[Math.floor(y * component.scaleY)];
      for (let x = 0; x < width; x++) line[x] = source[Math.floor(x * component.scaleX)];
      return line;
    }, width, height, 1, factor);
    const lines: Uint8Array[] = [];
    for (let y = 0; y < out.height; y++) lines.push(plane.subarray(y * out.width, (y + 1) * out.width));
    return { lines, scaleX: 1, scaleY: 1 };
  });
  decoder.width = out.width;
  decoder.height = out.height;
  const image = { width: out.width, height: out.height, data: new Uint8Array(out.width * out.height * 4) };
  decoder.copyToImageData(image, true);
  return image;
}
