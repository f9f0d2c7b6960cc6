import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { predictDigit, toModelInput } from '../../src/evaluate/predict';
import { evaluate } from '../../src/evaluate/evaluate';
import { argmaxRows, grayToRgb, predictLabels, predictProbabilities, rgbToGray } from '../../src/evaluate/predict';
import { prepareSamples } from '../../src/data/prepare';
import { realMnist } from '../support/real-data';
import { errorOf } from '../support/errors';

describe('predicting one digit (reshape to (1, 784), predict, argmax)', () => {
  let model: tf.Sequential;
  let first: Uint8Array;
  before(async function () {
    model = createModel({ seed: 2 });
    first = (await realMnist(this)).test.images.slice(0, 784);
  });
  after(() => model.dispose());

  it('accepts 784, 28×28, 1×784 and 1×28×28×1 values, 0–255 or 0–1, with the same result', () => {
    const rows = Array.from({ length: 28 }, (_, r) => Array.from(first.subarray(r * 28, r * 28 + 28)));
    const inputs = [
      first,
      Array.from(first, (v) => v / 255),
      rows,
      [Array.from(first)],
      [rows.map((row) => row.map((v) => [v]))],
      tf.tensor(first, [1, 28, 28, 1]),
    ];
    const reference = predictDigit(model, first);
    expect(reference.inputShape).to.deep.equal([1, 784]);
    for (const input of inputs) {
      const p = predictDigit(model, input);
      expect(p.digit).to.equal(reference.digit);
      p.probabilities.forEach((v, i) => expect(v).to.be.closeTo(reference.probabilities[i], 1e-6));
      if (input instanceof tf.Tensor) input.dispose();
    }
  });

  it('returns 10 probabilities that sum to 1, the digit being their argmax', () => {
    const p = predictDigit(model, first);
    expect(p.probabilities).to.have.length(10);
    expect(p.probabilities.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(p.digit).to.equal(p.probabilities.indexOf(Math.max(...p.probabilities)));
  });

  it('refuses a 28×28×3 colour image and says to convert it to grayscale', () => {
    const rgb = Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => [0, 0, 0]));
    const message = errorOf(() => predictDigit(model, rgb));
    expect(message).to.include('got shape 28×28×3 (2352 values)').and.include('convert it to grayscale');
    expect(message).to.include('Expected 28×28, 784, 1×784 or 1×28×28×1 values');
  });

  it('refuses 2352 flat values as an RGB image too', () => {
    expect(errorOf(() => predictDigit(model, new Uint8Array(2352)))).to.include('shape 2352').and.include('grayscale');
  });

  it('refuses 27×27 and says to resize to 28×28', () => {
    const small = Array.from({ length: 27 }, () => new Array<number>(27).fill(0));
    expect(errorOf(() => predictDigit(model, small))).to.include('shape 27×27 (729 values)').and.include('Resize the image to 28×28');
  });

  it('refuses an empty image, NaN pixels and values beyond 255', () => {
    expect(errorOf(() => predictDigit(model, []))).to.include('shape 0 (0 values)').and.include('empty');
    const nan = new Float32Array(784);
    nan[5] = NaN;
    expect(errorOf(() => predictDigit(model, nan))).to.include('pixel 5 is NaN');
    const big = new Float32Array(784).fill(300);
    expect(errorOf(() => predictDigit(model, big))).to.include('between 0 and 255').and.include('pixel 0 is 300');
  });

  it('scales 0–255 input to [0, 1]', () => {
    const scaled = toModelInput(Uint8Array.from({ length: 784 }, () => 255));
    expect(scaled[0]).to.equal(1);
  });

  it('keeps the tensor count flat over many predictions', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) predictDigit(model, first);
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('predicting and evaluating the whole test set in large batches', () => {
  let model: tf.Sequential;
  before(() => {
    model = createModel({ seed: 4 });
  });
  after(() => model.dispose());

  it('gives the same probabilities in batches of 2,500 as in batches of 32', async function () {
    const samples = prepareSamples((await realMnist(this)).test, { limit: 300 });
    const large = predictProbabilities(model, samples);
    const small = predictProbabilities(model, samples, 32);
    expect(large.length).to.equal(3000);
    let max = 0;
    for (let i = 0; i < large.length; i++) max = Math.max(max, Math.abs(large[i] - small[i]));
    expect(max).to.be.below(1e-6);
  });

  it('covers all 10,000 test images without leaking tensors', async function () {
    const samples = prepareSamples((await realMnist(this)).test);
    const before = tf.memory().numTensors;
    const labels = predictLabels(model, samples);
    const result = evaluate(model, samples);
    expect(labels.length).to.equal(10000);
    expect(result.accuracy).to.be.within(0, 1);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('runs each large batch through the model in one pass, not in tfjs\' default batches of 32', async function () {
    const samples = prepareSamples((await realMnist(this)).test, { limit: 300 });
    const profile = await tf.profile(() => { predictProbabilities(model, samples); });
    // Two Dense layers: one fused matrix multiply each for the whole batch of 300.
    expect(profile.kernels.filter((k) => k.name === '_FusedMatMul')).to.have.length(2);
  });

  it('argmax picks the largest value of each row', () => {
    expect(Array.from(argmaxRows(Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]), 3))).to.deep.equal([1, 0]);
  });
});

describe('colour images (question 9)', () => {
  it('grayToRgb copies each pixel into 3 channels and rgbToGray averages them back', () => {
    const gray = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const rgb = grayToRgb(gray);
    expect([rgb.length, rgb[0].length, rgb[0][0].length]).to.deep.equal([28, 28, 3]);
    expect(rgb[1][2]).to.deep.equal([30, 30, 30]);
    expect(rgbToGray([[[30, 60, 90]]])).to.deep.equal([[60]]);
    expect(rgbToGray(rgb).flat()).to.deep.equal(Array.from(gray));
  });
});
