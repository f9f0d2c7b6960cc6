// Photos of handwritten digits (rendered with a fixed seed by src/own-digit/photo-render.ts):
// the crop finds the digit, not the noise, specks, ruled line, sheet edge or
// shadow, so a trained model reads each disturbed set within 5 points of the
// same digits clean; and MNIST's own test digits printed as their pixels and
// read back through readDigitImage lose no more than 0.1 point against feeding
// them directly (0.3 when smoothed before printing, which blurs them itself).
// bench/own-digit-photos.ts measures the same on more digits.
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { fitSamples } from '../support/fit-samples';
import { prepareSamples, Samples } from '../../src/data/prepare';
import { predictLabels } from '../../src/evaluate/predict';
import { readDigitImage } from '../../src/own-digit/image-file';
import { preprocessDigit } from '../../src/own-digit/preprocess';
import { otsuThreshold } from '../../src/own-digit/ink-mask';
import { realMnist } from '../support/real-data';
import { DISTURBANCES, Disturbance, PrintStyle, mnistOnPaper, renderPhoto, seeded, strokeDigit } from '../../src/own-digit/photo-render';

describe('reading photos of handwritten digits', function () {
  this.timeout(300000);
  let model: tf.Sequential;
  let mnistTest: Samples;
  let mnistImages: Uint8Array;
  let tensorsBefore = 0;
  /** MNIST test digits put on paper: all 10,000, as the issue measures it (0.1 point is 10 digits). */
  const MNIST_COUNT = 10000;

  before(async function () {
    const mnist = await realMnist(this);
    // The course's model as `npm start` trains it (all 60,000 images, 5 epochs), batches in a fixed order.
    model = createModel({ seed: 3 });
    await fitSamples(model, prepareSamples(mnist.train), { epochs: 5 }, 3);
    mnistTest = prepareSamples(mnist.test, { limit: MNIST_COUNT });
    mnistImages = mnist.test.images;
    tensorsBefore = tf.memory().numTensors;
  });
  after(() => {
    expect(tf.memory().numTensors, 'no tensors left behind by predicting').to.equal(tensorsBefore);
    model?.dispose();
  });

  function accuracy(x: Float32Array, y: Uint8Array): number {
    const predicted = predictLabels(model, { x, y, count: y.length, features: 784 });
    return predicted.reduce((n, p, i) => n + (p === y[i] ? 1 : 0), 0) / y.length;
  }

  describe('our own stroke digits, clean and with each disturbance', () => {
    const COUNT = 150;
    const labels = Uint8Array.from({ length: COUNT }, (_, k) => k % 10);
    /** The same digits and placements for every disturbance: only the disturbance differs. */
    function read(disturbance: Disturbance): Float32Array {
      const x = new Float32Array(COUNT * 784);
      labels.forEach((digit, k) => x.set(readDigitImage(renderPhoto(strokeDigit(digit, seeded(k)), seeded(100000 + k), { disturbance }).file).pixels, k * 784));
      return x;
    }
    let clean = 0;
    before(() => {
      clean = accuracy(read('clean'), labels);
    });

    it('reads the clean photos well (the baseline the disturbed ones are held to)', () => {
      expect(clean).to.be.greaterThan(0.85);
    });
    for (const disturbance of DISTURBANCES) {
      it(`reads them with ${disturbance} within 5 points of clean`, () => {
        expect(accuracy(read(disturbance), labels)).to.be.at.least(clean - 0.05);
      });
    }
  });

  describe('MNIST test digits put on paper and read back', () => {
    /** Accuracy on all 10,000 test digits printed `print`-style, photographed and read back, and fed directly. */
    function readBack(print: PrintStyle): { direct: number; onPaper: number } {
      const n = mnistTest.count;
      const x = new Float32Array(n * 784);
      for (let k = 0; k < n; k++) x.set(readDigitImage(mnistOnPaper(mnistImages, k, seeded(200000 + k), 'clean', print).file).pixels, k * 784);
      const direct = accuracy(mnistTest.x, mnistTest.y);
      expect(direct).to.be.greaterThan(0.9);
      return { direct, onPaper: accuracy(x, mnistTest.y) };
    }

    it('printed as their pixels, lose no more than 0.1 point against the same digits fed directly', () => {
      // Measured: 97.52 % direct, 97.48 % on paper (0.04 point).
      const { direct, onPaper } = readBack('pixels');
      expect(onPaper).to.be.at.least(direct - 0.001);
    });

    it('smoothed before printing, lose no more than 0.3 point: most of that is the smoothing\'s own blur', () => {
      // Measured: 97.30 % on paper (0.22 point). The smoothing alone, enlarged and shrunk back on the same grid with
      // no preprocessing at all, gives 97.43 %; re-framing the original 28×28 digits costs 0.01 point, and no
      // threshold from 0.02 to 0.3 does better than 0.19.
      const { direct, onPaper } = readBack('smoothed');
      expect(onPaper).to.be.at.least(direct - 0.003);
    });
  });

  describe('what the crop ignores', () => {
    /** A 160×160 white page with a 40×70 "1"-like bar in the middle, as RGBA. */
    function page(): Uint8Array {
      const data = new Uint8Array(160 * 160 * 4).fill(240);
      for (let y = 45; y < 115; y++) for (let x = 74; x < 86; x++) data.set([20, 20, 20], (y * 160 + x) * 4);
      return data;
    }
    const box = (data: Uint8Array): unknown => preprocessDigit({ data, width: 160, height: 160 }).box;

    it('a speck far from the digit', () => {
      const data = page();
      for (let y = 5; y < 8; y++) for (let x = 5; x < 8; x++) data.set([0, 0, 0], (y * 160 + x) * 4);
      expect(box(data)).to.deep.equal({ x: 74, y: 45, width: 12, height: 70 });
    });

    it('a ruled line across the page, even where the digit crosses it', () => {
      const data = page();
      for (let y = 100; y < 103; y++) for (let x = 0; x < 160; x++) if (x < 74 || x >= 86) data.set([150, 175, 225], (y * 160 + x) * 4);
      expect(box(data)).to.deep.equal({ x: 74, y: 45, width: 12, height: 70 });
    });

    it('the dark table beyond the edge of the sheet', () => {
      const data = page();
      for (let y = 0; y < 160; y++) for (let x = 140; x < 160; x++) data.set([60, 50, 40], (y * 160 + x) * 4);
      const found = preprocessDigit({ data, width: 160, height: 160 }).box;
      expect(found?.x).to.equal(74);
      expect(found?.width).to.be.at.most(14);
    });

    it('but not the bar of a 7 cropped so tightly that it runs edge to edge', () => {
      // A 100×100 crop: the bar is rows 1–10 across the whole width, the stem a diagonal down to the bottom.
      const data = new Uint8Array(100 * 100 * 4).fill(240);
      for (let y = 1; y < 11; y++) for (let x = 0; x < 100; x++) data.set([20, 20, 20], (y * 100 + x) * 4);
      for (let y = 11; y < 100; y++) for (let t = 0; t < 10; t++) data.set([20, 20, 20], (y * 100 + 90 - Math.round((y - 11) * 0.5) + t - 5) * 4);
      const found = preprocessDigit({ data, width: 100, height: 100 });
      expect(found.box).to.deep.equal({ x: 0, y: 1, width: 100, height: 99 });
      // The bar is still in the 28×28 input: a row with ink in 15 or more of its 28 pixels.
      const widest = Math.max(...Array.from({ length: 28 }, (_, y) => found.pixels.subarray(y * 28, (y + 1) * 28).filter((v) => v > 0.5).length));
      expect(widest).to.be.at.least(15);
    });

    it('splits ink from paper by the histogram (Otsu): between the two levels', () => {
      const values = Float32Array.from({ length: 1000 }, (_, i) => (i < 800 ? 0.05 : 0.9));
      expect(otsuThreshold(values, 1)).to.be.within(0.05, 0.9);
    });
  });
});
