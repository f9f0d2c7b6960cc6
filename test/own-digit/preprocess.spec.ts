// MNIST-style preprocessing (src/own-digit/preprocess.ts): hand-made images whose
// answer is known, polarity and transparency, blank input, bad input, and
// real MNIST digits, which must come through practically unchanged.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { centerOfMass, detectPolarity, preprocessDigit, resize, toGrayscale, IMAGE_SIDE } from '../../src/own-digit/preprocess';
import { createModel } from '../../src/model/model';
import { fitSamples } from '../support/fit-samples';
import { prepareSamples, Samples } from '../../src/data/prepare';
import { predictLabels } from '../../src/evaluate/predict';
import { realMnist } from '../support/real-data';
import { errorOf } from '../support/errors';

/** An RGBA canvas filled with one gray level (and alpha), like a canvas's ImageData. */
function rgba(width: number, height: number, gray: number, alpha = 255): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([gray, gray, gray, alpha], i * 4);
  return { data, width, height };
}

function paint(image: { data: Uint8ClampedArray; width: number }, x: number, y: number, gray: number, alpha = 255): void {
  image.data.set([gray, gray, gray, alpha], (y * image.width + x) * 4);
}

/** A hollow rectangle (a boxy "0") with strokes `thick` pixels wide. */
function ring(image: { data: Uint8ClampedArray; width: number }, x0: number, y0: number, w: number, h: number, thick: number, gray: number): void {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const edge = x < x0 + thick || x >= x0 + w - thick || y < y0 + thick || y >= y0 + h - thick;
      if (edge) paint(image, x, y, gray);
    }
  }
}

/** Rows and columns of the 28×28 output that hold any ink. */
function inkExtent(pixels: Float32Array): { rows: number; cols: number; top: number; left: number } {
  let top = IMAGE_SIDE;
  let bottom = -1;
  let left = IMAGE_SIDE;
  let right = -1;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      if (pixels[y * IMAGE_SIDE + x] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return { rows: bottom - top + 1, cols: right - left + 1, top, left };
}

describe('preprocessing a drawn digit like MNIST', () => {
  describe('cropping, scaling and centring', () => {
    it('centres a small off-centre digit by its centre of mass and scales its longer side to 20 pixels, aspect kept', () => {
      // A 12×16 "0" in the bottom-left corner of a 100×80 white canvas.
      const image = rgba(100, 80, 255);
      ring(image, 5, 58, 12, 16, 2, 0);
      const digit = preprocessDigit(image);
      expect(digit.empty).to.equal(false);
      expect(digit.polarity).to.equal('dark-on-light');
      expect(digit.box).to.deep.equal({ x: 5, y: 58, width: 12, height: 16 });
      expect(digit.scaledSize).to.deep.equal({ width: 15, height: 20 });
      const extent = inkExtent(digit.pixels);
      expect(extent.rows).to.equal(20);
      expect(extent.cols).to.equal(15);
      expect(extent.cols / extent.rows).to.be.closeTo(12 / 16, 1 / 20);
      const com = centerOfMass(digit.pixels, IMAGE_SIDE, IMAGE_SIDE);
      expect(com).to.not.equal(null);
      expect(com?.x).to.be.closeTo(14, 0.5);
      expect(com?.y).to.be.closeTo(14, 0.5);
      expect(digit.centerOfMass?.x).to.be.closeTo(com?.x ?? NaN, 1e-9);
      expect(Math.max(...digit.pixels)).to.equal(1);
      expect(Math.min(...digit.pixels)).to.equal(0);
    });

    it('centres by centre of mass, not by the bounding box: a "7" sits lower than its box would', () => {
      // A "7": a top bar and a diagonal; its mass is above the middle of its box.
      const image = rgba(60, 60, 255);
      for (let y = 10; y < 13; y++) for (let x = 20; x < 40; x++) paint(image, x, y, 0);
      for (let y = 13; y < 40; y++) for (let t = 0; t < 3; t++) paint(image, 37 - Math.round((y - 13) * 0.5) + t, y, 0);
      const digit = preprocessDigit(image);
      const com = centerOfMass(digit.pixels, IMAGE_SIDE, IMAGE_SIDE);
      expect(com?.x).to.be.closeTo(14, 0.5);
      expect(com?.y).to.be.closeTo(14, 0.5);
      const extent = inkExtent(digit.pixels);
      expect(extent.rows).to.equal(20);
      expect(extent.top, 'box pushed down so the top-heavy mass is at row 14').to.be.greaterThan(4);
    });

    it('keeps thin strokes when shrinking a large drawing (area averaging), and scales the strongest ink to 1', () => {
      // A 300×300 square outline with 2-pixel strokes: shrunk 15×, point sampling could miss every stroke.
      const image = rgba(400, 400, 255);
      ring(image, 40, 60, 300, 300, 2, 0);
      const digit = preprocessDigit(image);
      const extent = inkExtent(digit.pixels);
      expect(extent.rows).to.equal(20);
      expect(extent.cols).to.equal(20);
      // Every row of the outline has ink at both sides. The corners, where two
      // strokes meet, are the strongest and become 1; the sides about half.
      for (let y = extent.top; y < extent.top + 20; y++) {
        expect(digit.pixels[y * IMAGE_SIDE + extent.left], `row ${y}`).to.be.greaterThan(0.4);
        expect(digit.pixels[y * IMAGE_SIDE + extent.left + 19], `row ${y}`).to.be.greaterThan(0.4);
      }
      expect(digit.pixels[extent.top * IMAGE_SIDE + extent.left]).to.equal(1);
      expect(digit.pixels[(extent.top + 10) * IMAGE_SIDE + extent.left + 10], 'inside stays empty').to.equal(0);
    });

    it('enlarges a tiny digit smoothly (bilinear) instead of in blocks', () => {
      const image = rgba(30, 30, 255);
      ring(image, 10, 10, 4, 5, 1, 0);
      const digit = preprocessDigit(image);
      expect(digit.scaledSize).to.deep.equal({ width: 16, height: 20 });
      const levels = new Set(Array.from(digit.pixels).filter((v) => v > 0 && v < 1).map((v) => v.toFixed(3)));
      expect(levels.size, 'intermediate grey levels from interpolation').to.be.greaterThan(3);
    });

    it('resizes with area averaging that keeps the mean, and bilinear that keeps a constant', () => {
      const src = Float32Array.from({ length: 12 * 8 }, (_, i) => (i * 7) % 5);
      const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
      expect(mean(resize(src, 12, 8, 4, 2))).to.be.closeTo(mean(src), 1e-5);
      expect(Array.from(resize(new Float32Array(6).fill(0.5), 3, 2, 9, 7))).to.satisfy((v: number[]) => v.every((x) => Math.abs(x - 0.5) < 1e-6));
      expect(Array.from(resize(src, 12, 8, 12, 8))).to.deep.equal(Array.from(src));
    });
  });

  describe('ink polarity and colour', () => {
    // One digit in five guises; all must give the very same 28×28 input.
    function guises(): Record<string, Parameters<typeof preprocessDigit>[0]> {
      const darkOnWhite = rgba(50, 40, 255);
      const whiteOnBlack = rgba(50, 40, 0);
      const darkOnTransparent = rgba(50, 40, 0, 0);
      const whiteOnTransparent = rgba(50, 40, 255, 0);
      ring(darkOnWhite, 30, 5, 10, 14, 2, 0);
      ring(whiteOnBlack, 30, 5, 10, 14, 2, 255);
      ring(darkOnTransparent, 30, 5, 10, 14, 2, 0);
      ring(whiteOnTransparent, 30, 5, 10, 14, 2, 255);
      const gray = new Float32Array(50 * 40);
      for (let i = 0; i < gray.length; i++) gray[i] = whiteOnBlack.data[i * 4] / 255;
      return { darkOnWhite, whiteOnBlack, darkOnTransparent, whiteOnTransparent, gray: { data: gray, width: 50, height: 40 } };
    }

    it('detects dark ink on white and white ink on black (transparent canvases too), with identical results', () => {
      const all = guises();
      const reference = preprocessDigit(all.whiteOnBlack);
      expect(reference.polarity).to.equal('light-on-dark');
      for (const [name, image] of Object.entries(all)) {
        const digit = preprocessDigit(image);
        expect(digit.empty, name).to.equal(false);
        expect(digit.box, name).to.deep.equal({ x: 30, y: 5, width: 10, height: 14 });
        expect(Array.from(digit.pixels), name).to.deep.equal(Array.from(reference.pixels));
      }
      expect(preprocessDigit(all.darkOnWhite).polarity).to.equal('dark-on-light');
      expect(preprocessDigit(all.darkOnTransparent).polarity, 'a transparent canvas with black ink reads as paper').to.equal('dark-on-light');
    });

    it('takes the polarity from the border: grey paper with pencil-grey ink and noise reads like a clean drawing', () => {
      const clean = rgba(60, 60, 255);
      ring(clean, 20, 15, 16, 24, 3, 0);
      const photo = rgba(60, 60, 200);
      ring(photo, 20, 15, 16, 24, 3, 70);
      // Paper grain: ±6 levels everywhere, deterministic.
      for (let i = 0; i < 60 * 60; i++) {
        const v = photo.data[i * 4] + ((i * 37) % 13) - 6;
        photo.data.set([v, v, v], i * 4);
      }
      expect(detectPolarity(toGrayscale(photo), 60, 60)).to.equal('dark-on-light');
      const a = preprocessDigit(clean);
      const b = preprocessDigit(photo, { threshold: 0.2 });
      expect(b.box).to.deep.equal(a.box);
      // Grain may move the centre of mass across a rounding boundary: compare at the best whole-pixel shift (at most 1).
      let diff = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          let sum = 0;
          for (let y = 0; y < IMAGE_SIDE; y++) {
            for (let x = 0; x < IMAGE_SIDE; x++) {
              const sy = y + dy;
              const sx = x + dx;
              const shifted = sy < 0 || sx < 0 || sy >= IMAGE_SIDE || sx >= IMAGE_SIDE ? 0 : b.pixels[sy * IMAGE_SIDE + sx];
              sum += Math.abs(a.pixels[y * IMAGE_SIDE + x] - shifted);
            }
          }
          diff = Math.min(diff, sum / 784);
        }
      }
      expect(diff).to.be.lessThan(0.02);
    });

    it('follows an explicit polarity: the wrong one finds no ink rather than reading the paper as ink', () => {
      const image = rgba(40, 40, 255);
      ring(image, 10, 10, 12, 16, 2, 0);
      expect(preprocessDigit(image, { polarity: 'dark-on-light' }).pixels).to.deep.equal(preprocessDigit(image).pixels);
      const wrong = preprocessDigit(image, { polarity: 'light-on-dark' });
      expect(wrong.polarity).to.equal('light-on-dark');
      expect(wrong.empty).to.equal(true);
    });

    it('reads RGB colour ink by its brightness', () => {
      const width = 30;
      const height = 30;
      const data = new Uint8Array(width * height * 3).fill(255);
      for (let y = 5; y < 25; y++) for (let x = 14; x < 17; x++) data.set([20, 40, 160], (y * width + x) * 3); // blue pen
      const digit = preprocessDigit({ data, width, height });
      expect(digit.polarity).to.equal('dark-on-light');
      expect(digit.box).to.deep.equal({ x: 14, y: 5, width: 3, height: 20 });
    });
  });

  describe('blank and bad input', () => {
    const blanks: [string, Parameters<typeof preprocessDigit>[0]][] = [
      ['a white canvas', rgba(280, 280, 255)],
      ['a black canvas', rgba(280, 280, 0)],
      ['a grey canvas', rgba(64, 48, 128)],
      ['a transparent canvas', rgba(280, 280, 0, 0)],
      ['paper with faint grain', { data: Uint8Array.from({ length: 900 }, (_, i) => 240 + ((i * 31) % 11)), width: 30, height: 30 }],
      ['a gray 0–1 image of zeros', { data: new Float32Array(784), width: 28, height: 28 }],
    ];
    for (const [name, image] of blanks) {
      it(`gives 784 zeros and empty: true for ${name}, never NaN`, () => {
        const digit = preprocessDigit(image);
        expect(digit.empty).to.equal(true);
        expect(digit.pixels).to.have.length(784);
        expect(digit.pixels.every((v) => v === 0)).to.equal(true);
        expect(digit.box).to.equal(null);
        expect(digit.centerOfMass).to.equal(null);
      });
    }

    it('refuses a size that does not match the data, and says what it expected', () => {
      expect(errorOf(() => preprocessDigit({ data: new Uint8Array(100), width: 28, height: 28 })))
        .to.include('a 28×28 image needs 784 (gray), 2352 (RGB) or 3136 (RGBA) values, got 100');
      expect(errorOf(() => preprocessDigit({ data: new Uint8Array(784 * 3), width: 28, height: 28, channels: 4 })))
        .to.include('with 4 channels needs 3136 values, got 2352');
      expect(errorOf(() => preprocessDigit({ data: new Uint8Array(0), width: 0, height: 28 }))).to.include('width to be a whole number of at least 1, got 0');
    });

    it('refuses NaN, negative and out-of-range values, and bad options', () => {
      const nan = new Float32Array(784);
      nan[3] = NaN;
      expect(errorOf(() => preprocessDigit({ data: nan, width: 28, height: 28 }))).to.include('value 3 is NaN');
      expect(errorOf(() => preprocessDigit({ data: new Float32Array(784).fill(300), width: 28, height: 28 })))
        .to.include('expected values from 0 to 255, but the largest is 300');
      expect(errorOf(() => preprocessDigit({ data: new Float32Array(784).fill(0.5), width: 28, height: 28 }, { maxValue: 0.25 })))
        .to.include('or pass the right maxValue');
      const image = { data: new Uint8Array(784), width: 28, height: 28 };
      expect(errorOf(() => preprocessDigit(image, { threshold: 2 }))).to.include('threshold between 0 and 1, got 2');
      expect(errorOf(() => preprocessDigit(image, { polarity: 'white' as 'auto' }))).to.include("expected polarity 'auto', 'dark-on-light' or 'light-on-dark'");
      expect(errorOf(() => preprocessDigit(null as unknown as typeof image))).to.include('expected an image {data, width, height}');
    });
  });

  describe('real MNIST digits', function () {
    this.timeout(120000);
    let model: tf.Sequential;
    let test: Samples;
    let images: Uint8Array;
    const COUNT = 200;

    before(async function () {
      const mnist = await realMnist(this);
      model = createModel({ seed: 11 });
      await fitSamples(model, prepareSamples(mnist.train, { limit: 5000 }), { epochs: 2 });
      test = prepareSamples(mnist.test, { limit: COUNT });
      images = mnist.test.images.subarray(0, COUNT * 784);
    });
    after(() => model?.dispose());

    function accuracy(x: Float32Array): number {
      const predicted = predictLabels(model, { ...test, x });
      return predicted.reduce((n, p, i) => n + (p === test.y[i] ? 1 : 0), 0) / COUNT;
    }

    it('pass through nearly unchanged, and a trained model reads them as well as before', () => {
      const x = new Float32Array(COUNT * 784);
      let difference = 0;
      for (let k = 0; k < COUNT; k++) {
        const digit = preprocessDigit({ data: images.subarray(k * 784, (k + 1) * 784), width: 28, height: 28 });
        expect(digit.polarity).to.equal('light-on-dark');
        expect(digit.empty).to.equal(false);
        x.set(digit.pixels, k * 784);
        for (let i = 0; i < 784; i++) difference += Math.abs(digit.pixels[i] - test.x[k * 784 + i]);
      }
      expect(difference / (COUNT * 784), 'mean change per pixel').to.be.lessThan(0.01);
      const before = accuracy(test.x);
      const after = accuracy(x);
      expect(before).to.be.greaterThan(0.8);
      expect(after).to.be.closeTo(before, 0.03);
    });

    it('undo what a drawing does to them: dark on white, enlarged and off-centre in a larger canvas', () => {
      // Each digit inverted, doubled in size and put in a 90×70 white canvas at a varying place.
      const x = new Float32Array(COUNT * 784);
      const width = 90;
      const height = 70;
      for (let k = 0; k < COUNT; k++) {
        const canvas = rgba(width, height, 255);
        const left = (k * 17) % (width - 56);
        const top = (k * 5) % (height - 56);
        for (let y = 0; y < 56; y++) {
          for (let c = 0; c < 56; c++) {
            const v = images[k * 784 + (y >> 1) * 28 + (c >> 1)];
            paint(canvas, left + c, top + y, 255 - v);
          }
        }
        x.set(preprocessDigit(canvas).pixels, k * 784);
      }
      expect(accuracy(x)).to.be.closeTo(accuracy(test.x), 0.05);
    });
  });
});
