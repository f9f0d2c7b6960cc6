/**
 * What an image file says about itself before any pixel is decoded: its
 * format and its size. Read first, so that a file claiming billions of
 * pixels (a 68-byte PNG can claim 2^31−1 a side, which made pngjs abort the
 * whole process inside Node's zlib) is refused with a message instead of
 * being decoded, and so that a phone photo can be decoded at reduced size.
 */

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** JPEG: colour components (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK); PNG: undefined. */
  components?: number;
  /** JPEG coding process from the SOF marker; jpeg-js reads baseline, extended and progressive Huffman only. */
  process?: 'baseline' | 'extended' | 'progressive' | 'lossless' | 'arithmetic' | 'hierarchical';
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function hasPrefix(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  return bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function uint16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) + bytes[at + 1];
}

/** The format, judged by the first bytes rather than the name (a .jpg may hold a PNG). */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (hasPrefix(bytes, PNG_SIGNATURE)) return 'png';
  if (hasPrefix(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  return undefined;
}

/** Names common formats we do not read, so the error can say what the file is. */
export function describeOtherFormat(bytes: Uint8Array): string | undefined {
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

/** PNG: the IHDR chunk must come first, right after the signature. */
function pngHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 8 + 8 + 13 || ascii(bytes, 12, 16) !== 'IHDR') {
    throw new Error('its header (the IHDR chunk) is missing or cut short');
  }
  return { format: 'png', width: uint32(bytes, 16), height: uint32(bytes, 20) };
}

const SOF_PROCESS: Record<number, ImageHeader['process']> = {
  0xc0: 'baseline', 0xc1: 'extended', 0xc2: 'progressive', 0xc3: 'lossless',
  0xc5: 'hierarchical', 0xc6: 'hierarchical', 0xc7: 'hierarchical',
  0xc9: 'arithmetic', 0xca: 'arithmetic', 0xcb: 'arithmetic', 0xcd: 'arithmetic', 0xce: 'arithmetic', 0xcf: 'arithmetic',
};

/** JPEG: walks the marker segments up to the frame header (SOFn), which holds the size. */
function jpegHeader(bytes: Uint8Array): ImageHeader {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new Error(`its marker segments are damaged (byte ${at} is not a marker)`);
    const marker = bytes[at + 1];
    if (marker === 0xff) { at += 1; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame header
    const length = uint16(bytes, at + 2);
    if (length < 2) throw new Error(`its marker segments are damaged (a segment of length ${length})`);
    const process = SOF_PROCESS[marker];
    if (process !== undefined) {
      if (at + 10 > bytes.length) break;
      return { format: 'jpeg', height: uint16(bytes, at + 5), width: uint16(bytes, at + 7), components: bytes[at + 9], process };
    }
    at += 2 + length;
  }
  throw new Error('its frame header (the SOF marker, which holds the size) is missing or cut short');
}

/** Format and size from the first bytes; throws (with the reason, no file name) when the header is unreadable. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (format === undefined) throw new Error('it is neither a PNG nor a JPEG');
  return format === 'png' ? pngHeader(bytes) : jpegHeader(bytes);
}
