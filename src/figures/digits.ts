/**
 * PNG images of MNIST digits, single or as a grid.
 *
 * Digits are PNG rather than a chart because PNG outputs survive everywhere:
 * JupyterLab shows them without trusting the notebook, GitHub shows them in
 * executed notebooks, and the CLI writes them as ordinary files.
 *
 * Drawn like MNIST itself: white ink on a black background (a pixel's value is
 * its brightness, no inversion). Tiles are separated by a grey gap so that
 * black backgrounds of neighbouring digits do not merge into one block.
 * Captions (`captions` option) are drawn into the grid, in a strip right
 * under each tile, with a small built-in bitmap font of digits and a few
 * signs ("7→2", "p=0.51"), so a caption can never drift from its image.
 * digitGridCaption() still gives a markdown table for longer text.
 */
import { PNG } from 'pngjs';
import { IMAGE_SIDE, IMAGE_SIZE } from '../data/image-size';

/**
 * Pixel data, row-major, one value per pixel. The array type says the scale:
 * Uint8Array holds 0–255, Float32Array holds 0–1 (as fed to the network).
 */
export type DigitPixels = Uint8Array | Float32Array;

export interface DigitImageOptions {
  /** Image height in pixels; default 28. */
  rows?: number;
  /** Image width in pixels; default 28. */
  cols?: number;
  /** Integer upscaling factor (each pixel becomes scale×scale); default 2. */
  scale?: number;
}

export interface DigitGridOptions extends DigitImageOptions {
  /** Tiles per grid row; default min(count, 10). */
  perRow?: number;
  /** Gap between tiles in output pixels; default 2. */
  gap?: number;
  /**
   * One short caption per image, drawn under its tile: digits, letters a–z
   * and the signs `→ . , : - = ? % ( ) /` and space.
   */
  captions?: string[];
}

/**
 * A 5×7 bitmap font: each glyph is 7 rows of 5 columns, row after row, '#' for ink. Small
 * enough to keep here; a font file would need a text renderer.
 */
const GLYPHS: Record<string, string> = {
  '0': '.###.#...##..###.#.###..##...#.###.', '1': '..#...##....#....#....#....#...###.',
  '2': '.###.#...#....#...#...#...#...#####', '3': '#####...#...#.....#.....##...#.###.',
  '4': '...#...##..#.#.#..#.#####...#....#.', '5': '######....####.....#....##...#.###.',
  '6': '..##..#...#....####.#...##...#.###.', '7': '#####....#...#...#...#....#....#...',
  '8': '.###.#...##...#.###.#...##...#.###.', '9': '.###.#...##...#.####....#...#..##..',
  'a': '...........###.....#.#####...#.####', 'b': '#....#....#.##.##..##...##...#####.',
  'c': '...........###.#....#....#...#.###.', 'd': '....#....#.##.##..###...##...#.####',
  'e': '...........###.#...#######.....###.', 'f': '..##..#..#.#...###...#....#....#...',
  'g': '......#####...##...#.####....#.###.', 'h': '#....#....#.##.##..##...##...##...#',
  'i': '..#........##....#....#....#...###.', 'j': '...#........##....#....#.#..#..##..',
  'k': '#....#....#..#.#.#..##...#.#..#..#.', 'l': '.##....#....#....#....#....#...###.',
  'm': '..........##.#.#.#.##.#.##...##...#', 'n': '..........#.##.##..##...##...##...#',
  'o': '...........###.#...##...##...#.###.', 'p': '..........####.#...#####.#....#....',
  'q': '...........##.##..##.####....#....#', 'r': '..........#.##.##..##....#....#....',
  's': '...........#####.....###.....#####.', 't': '.#....#...###...#....#....#..#..##.',
  'u': '..........#...##...##...##..##.##.#', 'v': '..........#...##...##...#.#.#...#..',
  'w': '..........#...##...##.#.##.#.#.#.#.', 'x': '..........#...#.#.#...#...#.#.#...#',
  'y': '..........#...##...#.####....#.###.', 'z': '..........#####...#...#...#...#####',
  ' ': '...................................', '.': '..........................##...##..',
  ',': '.....................##....#...#...', ':': '......##...##........##...##.......',
  '-': '...............#####...............', '=': '..........#####.....#####..........',
  '?': '.###.#...#....#...#...#.........#..', '%': '##...##..#...#...#...#...#..##...##',
  '(': '...#...#...#....#....#.....#.....#.', ')': '.#.....#.....#....#....#...#...#...',
  '/': '.........#...#...#...#...#.........', '→': '.......#.....#.#####...#...#.......',
};
const GLYPH_W = 5;
const GLYPH_H = 7;

function glyph(ch: string, fn: string): string {
  const g = GLYPHS[ch.toLowerCase()];
  if (g === undefined) {
    throw new Error(`${fn}: cannot draw ${JSON.stringify(ch)} in a caption; captions take digits, letters a–z, ` +
      'the signs → . , : - = ? % ( ) / and spaces (use digitGridCaption() for other text)');
  }
  return g;
}

/** Draws `text` centred in the box at (x, y) of size width × height, as light grey on the gap colour. */
function drawText(out: Buffer, outWidth: number, text: string, x: number, y: number, width: number, height: number, fn: string): void {
  const chars = [...text];
  const advance = GLYPH_W + 1;
  const fit = Math.floor(width / Math.max(1, chars.length * advance - 1));
  const scale = Math.max(1, Math.min(Math.floor(height / (GLYPH_H + 2)), fit));
  if (chars.length * advance - 1 > width) {
    throw new Error(`${fn}: the caption ${JSON.stringify(text)} is too long for a tile ${width} pixels wide; ` +
      'shorten it or draw larger tiles (scale)');
  }
  const textWidth = (chars.length * advance - 1) * scale;
  const left = x + Math.floor((width - textWidth) / 2);
  const top = y + Math.floor((height - GLYPH_H * scale) / 2);
  chars.forEach((ch, k) => {
    const g = glyph(ch, fn);
    for (let r = 0; r < GLYPH_H; r++) {
      for (let c = 0; c < GLYPH_W; c++) {
        if (g[r * GLYPH_W + c] !== '#') continue;
        for (let dy = 0; dy < scale; dy++) {
          const start = (top + r * scale + dy) * outWidth + left + (k * advance + c) * scale;
          out.fill(CAPTION_INK, start, start + scale);
        }
      }
    }
  });
}

const CAPTION_INK = 255;

const GAP_GREY = 96;
/** Float input a little above 1 is rounding noise; clearly above is 0–255 data in a Float32Array. */
const FLOAT_TOLERANCE = 1e-3;

function positiveInt(value: number | undefined, fallback: number, name: string, fn: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: ${name} must be a positive integer, got ${v}`);
  return v;
}

function checkPixelType(data: unknown, fn: string): void {
  if (!(data instanceof Uint8Array) && !(data instanceof Float32Array)) {
    const got = data === null || typeof data !== 'object' ? typeof data : (data as object).constructor.name;
    throw new Error(`${fn}: expected pixels as a Uint8Array (0–255) or a Float32Array (0–1), got ${got}`);
  }
}

/** Brightness 0–255 of pixel `i`, validating the 0–1 range for float input. */
function grey(data: DigitPixels, i: number, fn: string): number {
  const v = data[i];
  if (data instanceof Uint8Array) return v;
  if (!(v >= -FLOAT_TOLERANCE && v <= 1 + FLOAT_TOLERANCE)) {
    throw new Error(
      `${fn}: Float32Array pixels must be in 0–1, found ${v} at offset ${i}` +
        ' (for 0–255 data, pass a Uint8Array or divide by 255)',
    );
  }
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

function encodeGrey(width: number, height: number, grey8: Buffer): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = grey8;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

interface Layout {
  rows: number;
  cols: number;
  scale: number;
  perRow: number;
  gap: number;
  /** Height of the caption strip under each tile; 0 without captions. */
  caption: number;
}

/** Draws image `index` of `data` into the tile at grid position `slot`. */
function drawTile(out: Buffer, outWidth: number, data: DigitPixels, index: number, slot: number, l: Layout, fn: string): void {
  const tileX = (slot % l.perRow) * (l.cols * l.scale + l.gap);
  const tileY = Math.floor(slot / l.perRow) * (l.rows * l.scale + l.caption + l.gap);
  const base = index * l.rows * l.cols;
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const value = grey(data, base + r * l.cols + c, fn);
      for (let dy = 0; dy < l.scale; dy++) {
        const rowStart = (tileY + r * l.scale + dy) * outWidth + tileX + c * l.scale;
        out.fill(value, rowStart, rowStart + l.scale);
      }
    }
  }
}

/**
 * A PNG grid of the images at `indices` in a flat dataset buffer
 * (`images.length` = number of images × rows × cols), in the given order,
 * left to right then top to bottom.
 */
export function digitGridPng(images: DigitPixels, indices: number[], opts?: DigitGridOptions): Buffer {
  const fn = 'digitGridPng';
  checkPixelType(images, fn);
  const rows = positiveInt(opts?.rows, IMAGE_SIDE, 'rows', fn);
  const cols = positiveInt(opts?.cols, IMAGE_SIDE, 'cols', fn);
  const scale = positiveInt(opts?.scale, 2, 'scale', fn);
  const gap = opts?.gap ?? 2;
  if (!Number.isInteger(gap) || gap < 0) throw new Error(`${fn}: gap must be a non-negative integer, got ${gap}`);
  const size = rows * cols;
  if (images.length === 0 || images.length % size !== 0) {
    throw new Error(
      `${fn}: expected images.length to be a non-zero multiple of ${size} (${rows}×${cols} pixels per image), got ${images.length}`,
    );
  }
  const count = images.length / size;
  if (indices.length === 0) throw new Error(`${fn}: expected at least one index, got none`);
  indices.forEach((index, k) => {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`${fn}: indices[${k}] = ${index} is out of range; expected an integer in [0, ${count - 1}] (${count} images)`);
    }
  });
  const perRow = positiveInt(opts?.perRow, Math.min(indices.length, 10), 'perRow', fn);

  const captions = opts?.captions;
  if (captions !== undefined && captions.length !== indices.length) {
    throw new Error(`${fn}: expected one caption per image, got ${captions.length} captions for ${indices.length} images`);
  }
  const caption = captions === undefined ? 0 : Math.max(GLYPH_H + 2, (GLYPH_H + 2) * Math.min(2, scale));
  const layout: Layout = { rows, cols, scale, perRow, gap, caption };
  const gridCols = Math.min(perRow, indices.length);
  const gridRows = Math.ceil(indices.length / perRow);
  const width = gridCols * cols * scale + (gridCols - 1) * gap;
  const height = gridRows * (rows * scale + caption) + (gridRows - 1) * gap;
  const out = Buffer.alloc(width * height, GAP_GREY);
  indices.forEach((index, slot) => {
    drawTile(out, width, images, index, slot, layout, fn);
    if (captions === undefined) return;
    const x = (slot % perRow) * (cols * scale + gap);
    const y = Math.floor(slot / perRow) * (rows * scale + caption + gap) + rows * scale;
    drawText(out, width, captions[slot], x, y, cols * scale, caption, fn);
  });
  return encodeGrey(width, height, out);
}

/** A PNG of a single image (`pixels.length` = rows × cols). */
export function digitPng(pixels: DigitPixels, opts?: DigitImageOptions): Buffer {
  const fn = 'digitPng';
  checkPixelType(pixels, fn);
  const rows = positiveInt(opts?.rows, IMAGE_SIDE, 'rows', fn);
  const cols = positiveInt(opts?.cols, IMAGE_SIDE, 'cols', fn);
  if (pixels.length !== rows * cols) {
    throw new Error(`${fn}: expected ${rows * cols} pixels (${rows}×${cols}), got ${pixels.length}`);
  }
  return digitGridPng(pixels, [0], { ...opts, perRow: 1, gap: 0 });
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * A markdown table of captions laid out like a grid from digitGridPng() with
 * the same `perRow`: show it next to the image (e.g. with tslab's
 * display.markdown) to label the tiles. Columns are headed 1..perRow.
 */
export function digitGridCaption(labels: string[], perRow: number): string {
  const fn = 'digitGridCaption';
  if (labels.length === 0) throw new Error(`${fn}: expected at least one label, got none`);
  positiveInt(perRow, perRow, 'perRow', fn);
  const width = Math.min(perRow, labels.length);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [
    line(Array.from({ length: width }, (_, i) => String(i + 1))),
    line(Array.from({ length: width }, () => ':-:')),
  ];
  for (let start = 0; start < labels.length; start += perRow) {
    const cells = labels.slice(start, start + perRow).map(escapeCell);
    while (cells.length < width) cells.push('');
    lines.push(line(cells));
  }
  return lines.join('\n');
}

/**
 * A 28×28 digit drawn the way a photo of handwriting looks: dark ink on
 * white paper, `scale` times larger, off-centre in a `width`×`height`
 * picture. The notebook and the tests use it to show that a picture of any
 * size and polarity is brought back to MNIST's form before predicting.
 */
export function digitOnPaperPng(pixels: DigitPixels, opts: { width?: number; height?: number; scale?: number; left?: number; top?: number } = {}): Buffer {
  const fn = 'digitOnPaperPng';
  checkPixelType(pixels, fn);
  if (pixels.length !== IMAGE_SIZE) throw new Error(`${fn}: expected the ${IMAGE_SIZE} pixels of one ${IMAGE_SIDE}×${IMAGE_SIDE} image, got ${pixels.length}`);
  const scale = positiveInt(opts.scale, 3, 'scale', fn);
  const width = positiveInt(opts.width, 100, 'width', fn);
  const height = positiveInt(opts.height, 120, 'height', fn);
  const left = opts.left ?? 10;
  const top = opts.top ?? 30;
  if (left < 0 || top < 0 || left + IMAGE_SIDE * scale > width || top + IMAGE_SIDE * scale > height) {
    throw new Error(`${fn}: a ${IMAGE_SIDE * scale}×${IMAGE_SIDE * scale} digit at (${left}, ${top}) does not fit in ${width}×${height}; make the picture larger or the scale smaller`);
  }
  const paper = Buffer.alloc(width * height, 255);
  for (let y = 0; y < IMAGE_SIDE * scale; y++) {
    for (let x = 0; x < IMAGE_SIDE * scale; x++) {
      paper[(top + y) * width + left + x] = 255 - grey(pixels, Math.floor(y / scale) * IMAGE_SIDE + Math.floor(x / scale), fn);
    }
  }
  return encodeGrey(width, height, paper);
}
