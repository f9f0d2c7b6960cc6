// How well a student's own digit is read from a photo: accuracy of the course's
// Dense model (and the extension's CNN) on digits rendered as photos by
// src/own-digit/photo-render.ts, clean and with each disturbance, for several
// ways to find the digit (the crop). Also MNIST's test digits put on paper and
// read back through readDigitImage, against the same digits fed directly, and
// the peak memory of reading a large JPEG. Not a test, and not part of
// `npm run bench`; it chose the crop in src/own-digit/ink-mask.ts.
//
//   npx ts-node -T bench/own-digit-photos.ts --dense DIR [--cnn DIR] [--count 500] [--mnist 10000] [--jpeg FILE]
//     [--uci digits.csv.gz] [--sections strokes,mnist,uci,jpeg]
//
// DIR is a model saved with saveModel (model.json + weights.bin), e.g. out/model from `npm start`.
// --uci: the UCI handwritten digits (1,797 of them, 8×8, 0–16) as scikit-learn ships them in
// sklearn/datasets/data/digits.csv.gz (in its wheel: unzip it from `pip download scikit-learn --no-deps`);
// handwriting that is not MNIST's, upscaled onto paper, clean and with sensor noise.
import * as fs from 'fs';
import * as zlib from 'zlib';
import { spawnSync } from 'child_process';
import { initBackend } from '../src/backend';
import { loadMnist } from '../src/data/mnist';
import { prepareSamples, Samples } from '../src/data/prepare';
import { loadModel } from '../src/model/save-load';
import { predictLabels } from '../src/evaluate/predict';
import { borderBrightness, frameDigit, RasterImage, toGrayscale } from '../src/own-digit/preprocess';
import { otsuThreshold } from '../src/own-digit/ink-mask';
import { decodeImage, readDigitImage } from '../src/own-digit/image-file';
import { DISTURBANCES, Disturbance, PrintStyle, mnistOnPaper, renderPhoto, seeded, strokeDigit } from '../src/own-digit/photo-render';
import type * as tf from '@tensorflow/tfjs';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** Ink above the border's brightness, as the crop before this change saw it (polarity from the border). */
function globalInk(image: RasterImage): { ink: Float32Array; strongest: number } {
  const gray = toGrayscale(image);
  const background = borderBrightness(gray, image.width, image.height);
  const invert = background > 0.5;
  const base = invert ? 1 - background : background;
  const ink = new Float32Array(gray.length);
  let strongest = 0;
  for (let i = 0; i < gray.length; i++) {
    ink[i] = Math.max(0, (invert ? 1 - gray[i] : gray[i]) - base);
    strongest = Math.max(strongest, ink[i]);
  }
  return { ink, strongest };
}

function median3(ink: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(ink.length);
  const window: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      window.length = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = Math.min(height - 1, Math.max(0, y + dy));
        const xx = Math.min(width - 1, Math.max(0, x + dx));
        window.push(ink[yy * width + xx]);
      }
      window.sort((a, b) => a - b);
      out[y * width + x] = window[4];
    }
  }
  return out;
}

/** The box of every pixel at or above `floor` (what the crop was before), the rest zeroed. */
function boxCrop(ink: Float32Array, width: number, height: number, floor: number, keepFrom = floor): Float32Array {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = ink[y * width + x];
    if (v >= floor && v > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    if (v < keepFrom) ink[y * width + x] = 0;
  }
  if (x1 < 0) return new Float32Array(784);
  return frameDigit(ink, width, { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 })?.pixels ?? new Float32Array(784);
}

type Method = (file: Buffer) => Float32Array;
const METHODS: Record<string, Method> = {
  'box over 0.2 of strongest (before)': (file) => {
    const image = decodeImage(file);
    const { ink, strongest } = globalInk(image);
    return boxCrop(ink, image.width, image.height, 0.2 * strongest);
  },
  'median 3×3, then box over 0.2': (file) => {
    const image = decodeImage(file);
    const { ink } = globalInk(image);
    const smooth = median3(ink, image.width, image.height);
    return boxCrop(smooth, image.width, image.height, 0.2 * Math.max(...smooth));
  },
  'box over Otsu threshold': (file) => {
    const image = decodeImage(file);
    const { ink, strongest } = globalInk(image);
    return boxCrop(ink, image.width, image.height, otsuThreshold(ink, strongest), 0.1 * strongest);
  },
  'local paper, lines, Otsu pieces, hysteresis (now)': (file) => readDigitImage(file).pixels,
};

function accuracy(model: tf.LayersModel, x: Float32Array, y: Uint8Array): number {
  const samples: Samples = { x, y, count: y.length, features: 784 };
  const predicted = predictLabels(model, samples);
  return predicted.reduce((n, p, i) => n + (p === y[i] ? 1 : 0), 0) / y.length;
}

const pct = (v: number): string => (100 * v).toFixed(1);

async function main(): Promise<void> {
  await initBackend();
  const models: [string, tf.LayersModel][] = [['Dense', await loadModel(option('dense') ?? 'out/model')]];
  const cnnDir = option('cnn');
  if (cnnDir !== undefined) models.push(['CNN', await loadModel(cnnDir)]);
  const count = Number(option('count') ?? 500);
  const sections = (option('sections') ?? 'strokes,mnist,uci,jpeg').split(',');

  // 1. Our stroke digits as photos: the same digits and placements clean and with each disturbance.
  const labels = Uint8Array.from({ length: count }, (_, k) => k % 10);
  const conditions: Disturbance[] = ['clean', ...DISTURBANCES];
  if (sections.includes('strokes')) {
    const files = new Map<Disturbance, Buffer[]>();
    for (const disturbance of conditions) {
      files.set(disturbance, Array.from(labels, (digit, k) => renderPhoto(strokeDigit(digit, seeded(k)), seeded(100000 + k), { disturbance }).file));
    }
    console.log(`\n## Stroke digits as photos (${count}, 120×150), accuracy %\n`);
    for (const [name, model] of models) {
      console.log(`\n### ${name}\n\n| crop | ${conditions.join(' | ')} | worst drop |\n| --- |${conditions.map(() => ' ---: |').join('')} ---: |`);
      for (const [method, read] of Object.entries(METHODS)) {
        if (name === 'CNN' && !method.endsWith('(now)') && !method.endsWith('(before)')) continue;
        const scores = conditions.map((d) => {
          const x = new Float32Array(count * 784);
          (files.get(d) ?? []).forEach((file, k) => x.set(read(file), k * 784));
          return accuracy(model, x, labels);
        });
        const worst = Math.max(...scores.slice(1).map((s) => scores[0] - s));
        console.log(`| ${method} | ${scores.map(pct).join(' | ')} | ${pct(worst)} |`);
      }
    }
  }

  // 2. MNIST's test digits on paper, read back, against the same digits fed directly; and the `threshold` option's cost.
  if (sections.includes('mnist')) {
    const mnist = await loadMnist({});
    const n = Number(option('mnist') ?? 10000);
    const test = prepareSamples(mnist.test, { limit: n });
    // Printed as their pixels (3×3 squares), and smoothed (bilinear) before printing, which blurs them by itself.
    for (const print of ['pixels', 'smoothed'] as PrintStyle[]) {
      const paper = Array.from({ length: n }, (_, k) => mnistOnPaper(mnist.test.images, k, seeded(200000 + k), 'clean', print).file);
      console.log(`\n## MNIST test digits (${n}) printed as ${print === 'pixels' ? 'their pixels' : 'a smoothed enlargement'}, read back through readDigitImage, accuracy %\n`);
      console.log('| model | fed directly | on paper, threshold 0.1 (default) | 0.2 | 0.3 |\n| --- | ---: | ---: | ---: | ---: |');
      const inputs = [0.1, 0.2, 0.3].map((threshold) => {
        const x = new Float32Array(n * 784);
        paper.forEach((file, k) => x.set(readDigitImage(file, { threshold }).pixels, k * 784));
        return x;
      });
      for (const [name, model] of models) {
        const direct = accuracy(model, test.x, test.y);
        const read = inputs.map((x) => accuracy(model, x, test.y));
        console.log(`| ${name} | ${pct(direct)} | ${read.map((r) => `${pct(r)} (${((r - direct) * 100).toFixed(2)})`).join(' | ')} |`);
      }
    }
  }

  // 3. The UCI handwritten digits (not MNIST's writers, nor its scanning), upscaled onto paper.
  const uci = option('uci');
  if (uci !== undefined && sections.includes('uci')) {
    const rows = zlib.gunzipSync(fs.readFileSync(uci)).toString('utf8').trim().split('\n').map((line) => line.split(',').map(Number));
    const y = Uint8Array.from(rows, (r) => r[64]);
    console.log(`\n## UCI handwritten digits (${rows.length}, 8×8 upscaled onto 120×150 paper, rotation ±15°), accuracy %\n`);
    console.log(`| model | ${['clean', 'noise', 'salt-and-pepper', 'shadow'].join(' | ')} |\n| --- | ---: | ---: | ---: | ---: |`);
    const photos = (['clean', 'noise', 'salt-and-pepper', 'shadow'] as Disturbance[]).map((disturbance) => {
      const x = new Float32Array(rows.length * 784);
      rows.forEach((r, k) => {
        const ink = Float32Array.from(r.slice(0, 64), (v) => v / 16);
        x.set(readDigitImage(renderPhoto({ ink, side: 8 }, seeded(300000 + k), { disturbance }).file).pixels, k * 784);
      });
      return x;
    });
    for (const [name, model] of models) console.log(`| ${name} | ${photos.map((x) => pct(accuracy(model, x, y))).join(' | ')} |`);
  }

  // 4. Reading a large JPEG: time, and the peak resident memory of a process that reads only it
  //    (process.resourceUsage().maxRSS), against one that loads the same modules and reads nothing.
  const big = option('jpeg');
  if (big !== undefined && sections.includes('jpeg')) {
    const peak = (read: boolean): { mb: number; seconds: number } => {
      const script = `const { readDigitImage } = require(${JSON.stringify(require.resolve('../src/own-digit/image-file'))});` +
        `const t = Date.now(); ${read ? `const image = readDigitImage(${JSON.stringify(big)});` : ''}` +
        'console.log(JSON.stringify({ mb: process.resourceUsage().maxRSS / 1024, seconds: (Date.now() - t) / 1000 }));';
      const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(child.stderr);
      return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { mb: number; seconds: number };
    };
    const idle = peak(false);
    const reading = peak(true);
    const { width, height } = readDigitImage(big);
    console.log(`\n## ${big}: ${width}×${height} (${(width * height / 1e6).toFixed(1)} MP), read in ${reading.seconds.toFixed(1)} s; ` +
      `peak resident memory ${reading.mb.toFixed(0)} MB, against ${idle.mb.toFixed(0)} MB for the same process reading nothing`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
