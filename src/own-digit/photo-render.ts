/**
 * Photos of handwritten digits, rendered with a fixed seed, to try the
 * preprocessing on what a student's camera gives rather than on what our code
 * expects: digits drawn as pen strokes (not MNIST's: our own stroke shapes,
 * slant, width, size, position, rotation ±15°), or any 28×28 digit (MNIST's)
 * put on paper, disturbed by sensor noise, salt-and-pepper specks, a ruled
 * line, the sheet's edge, a shadow gradient, JPEG at quality 50, blue
 * ballpoint ink or chalk on a dark board. Used by the workbook (a noisy photo
 * of a test digit), test/own-digit/photos.spec.ts and bench/own-digit-photos.ts.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { seededRandom } from '../train/random';

export type Disturbance = 'clean' | 'noise' | 'salt-and-pepper' | 'ruled-line' | 'sheet-edge' | 'shadow' | 'jpeg-50' | 'blue-ballpoint' | 'light-on-dark';
export const DISTURBANCES: Disturbance[] = ['noise', 'salt-and-pepper', 'ruled-line', 'sheet-edge', 'shadow', 'jpeg-50', 'blue-ballpoint', 'light-on-dark'];

/** Sensor noise: Gaussian, about 6 % of full scale in brightness (a dim webcam, a phone in poor light). */
export const NOISE_SIGMA = 0.06 * 255;

export type Random = () => number;

/** The project's fixed-seed generator (mulberry32, ../train/random.ts): photos must not depend on Math.random. */
export const seeded: (seed: number) => Random = seededRandom;

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Ink coverage 0–1 of a square source image, row-major. */
export interface InkImage { ink: Float32Array; side: number }

type Point = [number, number];

function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number): Point[] {
  const points: Point[] = [];
  const steps = Math.max(4, Math.ceil(Math.abs(to - from) / 15));
  for (let s = 0; s <= steps; s++) {
    const t = ((from + ((to - from) * s) / steps) * Math.PI) / 180;
    points.push([cx + rx * Math.cos(t), cy + ry * Math.sin(t)]);
  }
  return points;
}

/** Each digit as pen strokes in a unit square (y down; angle 270° is the top of an arc). */
const STROKES: Point[][][] = [
  [arc(0.5, 0.5, 0.28, 0.4, 0, 360)],
  [[[0.38, 0.25], [0.56, 0.1], [0.52, 0.9]]],
  [[...arc(0.5, 0.32, 0.26, 0.22, 190, 380), [0.22, 0.9], [0.8, 0.88]]],
  [arc(0.5, 0.3, 0.25, 0.2, 200, 450), arc(0.5, 0.7, 0.28, 0.2, 270, 510)],
  [[[0.62, 0.9], [0.62, 0.1], [0.2, 0.65], [0.85, 0.65]]],
  [[[0.75, 0.1], [0.32, 0.1], [0.28, 0.45], ...arc(0.5, 0.65, 0.27, 0.25, 230, 510)]],
  [[[0.7, 0.1], [0.42, 0.33], [0.28, 0.65], ...arc(0.5, 0.68, 0.22, 0.22, 180, 540)]],
  [[[0.2, 0.1], [0.8, 0.1], [0.42, 0.9]]],
  [arc(0.5, 0.29, 0.2, 0.19, 0, 360), arc(0.5, 0.69, 0.25, 0.21, 0, 360)],
  [[...arc(0.5, 0.32, 0.22, 0.2, 0, 360), [0.7, 0.6], [0.64, 0.9]]],
];

function segmentDistance(px: number, py: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const t = Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

/** A digit written with a pen: our stroke shapes, jittered, slanted and of varied width, on a 64×64 square. */
export function strokeDigit(digit: number, random: Random, side = 64): InkImage {
  const slant = (random() - 0.5) * 0.4;
  const squeeze = 0.75 + random() * 0.35;
  const width = (0.07 + random() * 0.06) * side;
  const strokes = STROKES[digit].map((stroke) => stroke.map(([x, y]): Point => {
    const jx = x + (random() - 0.5) * 0.05;
    const jy = y + (random() - 0.5) * 0.05;
    return [(0.5 + (jx - 0.5) * squeeze + slant * (0.5 - jy)) * side, jy * side];
  }));
  const ink = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let d = Infinity;
      for (const stroke of strokes) for (let i = 1; i < stroke.length; i++) d = Math.min(d, segmentDistance(x + 0.5, y + 0.5, stroke[i - 1], stroke[i]));
      ink[y * side + x] = Math.max(0, Math.min(1, width / 2 - d + 0.5));
    }
  }
  return { ink, side };
}

/** MNIST image k (bytes 0–255, light on dark) as ink coverage. */
export function mnistInk(images: Uint8Array, k: number): InkImage {
  const ink = new Float32Array(784);
  for (let i = 0; i < 784; i++) ink[i] = images[k * 784 + i] / 255;
  return { ink, side: 28 };
}

export interface PhotoOptions {
  width?: number;
  height?: number;
  /** One disturbance, or several at once (default 'clean'). */
  disturbance?: Disturbance | Disturbance[];
  /** Digit height as a fraction of the photo's height (default 0.45–0.7 at random). */
  size?: number;
  /** Rotation in degrees (default ±15 at random). */
  rotation?: number;
}

function sample(image: InkImage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const at = (i: number, j: number): number => (i < 0 || j < 0 || i >= image.side || j >= image.side ? 0 : image.ink[j * image.side + i]);
  const tx = fx - x0;
  const ty = fy - y0;
  return (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) + ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
}

/** The photo as RGBA bytes, and as the bytes of a file (PNG, or JPEG for 'jpeg-50'). */
export interface Photo { rgba: Uint8Array; width: number; height: number; file: Buffer }

/** A photo of `digit` on paper with one disturbance (or none), drawn with `random`. */
export function renderPhoto(digit: InkImage, random: Random, options: PhotoOptions = {}): Photo {
  const width = options.width ?? 120;
  const height = options.height ?? 150;
  const list = ([] as Disturbance[]).concat(options.disturbance ?? 'clean');
  const has = (d: Disturbance): boolean => list.includes(d);
  const size = (options.size ?? 0.45 + random() * 0.25) * height;
  const angle = ((options.rotation ?? (random() - 0.5) * 30) * Math.PI) / 180;
  const scale = size / digit.side;
  const reach = (size / 2) * 1.2;
  const cx = reach + random() * Math.max(0, width - 2 * reach);
  const cy = reach + random() * Math.max(0, height - 2 * reach);
  const paper = [232 + random() * 16, 228 + random() * 16, 215 + random() * 20];
  const inkColour = has('blue-ballpoint') ? [35, 55, 150] : [25, 25, 30];
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Disturbances that are part of the scene, drawn under or around the ink.
  const lineY = height * (0.2 + random() * 0.6);
  const lineWidth = 1.5 + random() * 1.5;
  const edgeSide = Math.floor(random() * 4);
  const edgeDepth = (0.08 + random() * 0.1) * (edgeSide < 2 ? width : height);
  const shadowAngle = random() * 2 * Math.PI;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Where this photo pixel falls in the digit's source image.
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const sx = (cos * dx + sin * dy) / scale + digit.side / 2;
      const sy = (-sin * dx + cos * dy) / scale + digit.side / 2;
      const a = sample(digit, sx, sy);
      let colour = paper.slice();
      if (has('ruled-line')) {
        const cover = Math.max(0, Math.min(1, lineWidth / 2 - Math.abs(y + 0.5 - lineY) + 0.5));
        colour = colour.map((c, i) => c * (1 - cover) + [150, 175, 225][i] * cover);
      }
      colour = colour.map((c, i) => c * (1 - a) + inkColour[i] * a);
      if (has('sheet-edge')) {
        const inside = [x, width - 1 - x, y, height - 1 - y][edgeSide];
        if (inside < edgeDepth) colour = [70, 55, 45]; // the table beyond the sheet
      }
      if (has('shadow')) {
        const t = ((x / width - 0.5) * Math.cos(shadowAngle) + (y / height - 0.5) * Math.sin(shadowAngle)) + 0.5;
        const light = 1 - 0.45 * Math.max(0, Math.min(1, t));
        colour = colour.map((c) => c * light);
      }
      if (has('light-on-dark')) colour = colour.map((c) => 255 - c); // chalk on a dark board
      if (has('noise')) {
        // Mostly brightness noise (what survives a phone's colour processing), a little per channel.
        const shared = NOISE_SIGMA * 0.9 * gaussian(random);
        colour = colour.map((c) => c + shared + NOISE_SIGMA * 0.3 * gaussian(random));
      }
      if (has('salt-and-pepper') && random() < 0.01) colour = random() < 0.5 ? [0, 0, 0] : [255, 255, 255];
      const at = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) rgba[at + c] = Math.max(0, Math.min(255, Math.round(colour[c])));
      rgba[at + 3] = 255;
    }
  }
  if (has('jpeg-50')) {
    const file = jpeg.encode({ data: rgba, width, height }, 50).data;
    return { rgba: jpeg.decode(file, { useTArray: true }).data, width, height, file };
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return { rgba, width, height, file: PNG.sync.write(png) };
}

/**
 * How a 28×28 digit is enlarged for printing: 'pixels' prints each of its
 * pixels as a 3×3 square (as printing the image at a set size does);
 * 'smoothed' interpolates between them (bilinear), as an image viewer
 * enlarging it for the screen does. Smoothing blurs the strokes by itself:
 * enlarged and shrunk back on the same grid, with no preprocessing at all,
 * MNIST's test digits lost 0.09 point of a trained Dense model's accuracy.
 */
export type PrintStyle = 'pixels' | 'smoothed';

/** MNIST image k enlarged `factor` times as pixel squares. */
function mnistPixels(images: Uint8Array, k: number, factor: number): InkImage {
  const side = 28 * factor;
  const ink = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) ink[y * side + x] = images[k * 784 + Math.floor(y / factor) * 28 + Math.floor(x / factor)] / 255;
  }
  return { ink, side };
}

/** MNIST digit on paper, as a student would print and photograph it: dark ink, 3× larger, upright, off-centre. */
export function mnistOnPaper(images: Uint8Array, k: number, random: Random, disturbance: Disturbance | Disturbance[] = 'clean', print: PrintStyle = 'pixels'): Photo {
  const digit = print === 'pixels' ? mnistPixels(images, k, 3) : mnistInk(images, k);
  return renderPhoto(digit, random, { size: (3 * 28) / 150, rotation: 0, disturbance });
}

/**
 * A photo (PNG bytes, 120×150) of the 28×28 digit `pixels` (0–255, light
 * on dark, as MNIST stores it) written on paper, with the given disturbances:
 * by default what a dim phone camera adds, sensor noise of 6 % of full scale
 * and dark specks, on ruled paper.
 */
export function digitPhotoPng(pixels: ArrayLike<number>, options: { disturbance?: Disturbance | Disturbance[]; seed?: number } = {}): Buffer {
  if (pixels.length !== 784) throw new Error(`digitPhotoPng: expected the 784 pixels of one 28×28 image, got ${pixels.length}.`);
  const ink = new Float32Array(784);
  for (let i = 0; i < 784; i++) ink[i] = Math.max(0, Math.min(1, pixels[i] / 255));
  const disturbance = options.disturbance ?? ['noise', 'salt-and-pepper', 'ruled-line'];
  return renderPhoto({ ink, side: 28 }, seeded(options.seed ?? 1), { size: 0.6, disturbance }).file;
}
