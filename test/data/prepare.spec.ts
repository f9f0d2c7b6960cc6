import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { normalizePixels, pixelStats, prepareSamples, shiftSamples, splitValidation, toTensors, Samples, validationSplitCounts } from '../../src/data/prepare';
import type { ImageSet } from '../../src/data/mnist';
import { errorOf } from '../support/errors';
import { realMnist } from '../support/real-data';

function tinySet(count: number): ImageSet {
  const images = new Uint8Array(count * 4).map((_, i) => (i * 37) % 256);
  return { images, labels: new Uint8Array(count).map((_, i) => i % 10), count, rows: 2, cols: 2 };
}

describe('normalizing pixels (/255)', () => {
  it('maps 0 → 0, 255 → 1 and keeps float32 precision', () => {
    const out = normalizePixels(Uint8Array.from([0, 51, 255]));
    expect(out).to.be.instanceOf(Float32Array);
    expect(Array.from(out)).to.deep.equal([0, Math.fround(0.2), 1]);
  });

  it('puts the real training images in [0, 1] with mean 0.1307', async function () {
    const { train } = await realMnist(this);
    const samples = prepareSamples(train);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of samples.x) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect([min, max]).to.deep.equal([0, 1]);
    expect(sum / samples.x.length).to.be.closeTo(0.1307, 1e-4);
    expect(samples.features).to.equal(784);
    expect(samples.count).to.equal(60000);
  });
});

describe('preparing samples', () => {
  it('flattens each image into one row and keeps the first N with `limit`', () => {
    const s = prepareSamples(tinySet(5), { limit: 3 });
    expect(s.count).to.equal(3);
    expect(s.features).to.equal(4);
    expect(s.x.length).to.equal(12);
    expect(Array.from(s.y)).to.deep.equal([0, 1, 2]);
  });

  it('keeps raw 0–255 values when asked not to normalize', () => {
    const s = prepareSamples(tinySet(2), { normalize: false });
    expect(Math.max(...s.x)).to.be.greaterThan(1);
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => prepareSamples(tinySet(5), { limit: 0 })).to.throw(/positive whole number of samples.*got 0/);
  });
});

/** How many samples tfjs' own model.fit({ validationSplit }) validates on: the batch its metric sees last. */
async function validationSizeInFit(samples: Samples, fraction: number): Promise<number> {
  const before = tf.memory().numTensors;
  const batchRows: number[] = [];
  const rows = (yTrue: tf.Tensor): tf.Tensor => {
    batchRows.push(yTrue.shape[0]);
    return tf.zeros([yTrue.shape[0]]);
  };
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [samples.features], units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: [rows] });
  const x = tf.tensor2d(samples.x, [samples.count, samples.features]);
  const y = tf.tensor1d(Float32Array.from(samples.y));
  await model.fit(x, y, { epochs: 1, batchSize: samples.count, validationSplit: fraction, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  expect(tf.memory().numTensors, 'fit left no tensors behind').to.equal(before);
  // One training batch, then one validation batch.
  expect(batchRows).to.have.length(2);
  expect(batchRows[0] + batchRows[1]).to.equal(samples.count);
  return batchRows[1];
}

describe('holding back a validation split', () => {
  it('takes the last fraction of the samples, like Keras validation_split', () => {
    const { train, validation } = splitValidation(prepareSamples(tinySet(10)), 0.2);
    expect([train.count, validation.count]).to.deep.equal([8, 2]);
    expect(Array.from(validation.y)).to.deep.equal([8, 9]);
    expect(validation.x.length).to.equal(8);
  });

  it('splits where tfjs model.fit({validationSplit}) splits: the first floor(n × (1 − fraction)) train', async () => {
    // 1,000 at 0.33: 1000 × 0.67 is 669.99… in floating point, so Keras' rule gives 669 / 331 (rounding gave 670 / 330).
    const thousand = prepareSamples(tinySet(1000));
    const { train, validation } = splitValidation(thousand, 0.33);
    expect([train.count, validation.count]).to.deep.equal([669, 331]);
    expect(train.y.length + validation.y.length).to.equal(1000);
    expect(validation.y[0], 'validation starts right after the training part').to.equal(thousand.y[669]);
    // Against tfjs itself: a model fitted with validationSplit reports its validation on that many samples.
    for (const [count, fraction] of [[1000, 0.33], [10, 0.25], [7, 0.5], [999, 0.1]] as const) {
      const samples = prepareSamples(tinySet(count));
      const ours = splitValidation(samples, fraction);
      const seen = await validationSizeInFit(samples, fraction);
      expect(ours.validation.count, `${count} at ${fraction}`).to.equal(seen);
      expect(validationSplitCounts(count, fraction), 'the counts the workbook prints').to.deep.equal({ trainCount: count - seen, validationCount: seen });
    }
  });

  it('refuses fractions outside (0, 1) and splits that leave a side empty', () => {
    expect(() => splitValidation(prepareSamples(tinySet(10)), 1.5)).to.throw(/between 0 and 1.*got 1.5/);
    expect(() => splitValidation(prepareSamples(tinySet(1)), 0.5)).to.throw(/both need at least one/);
  });
});

describe('turning samples into tensors', () => {
  it('gives x of shape (count, 784-like) and int32 labels', () => {
    const before = tf.memory().numTensors;
    const { x, y } = toTensors(prepareSamples(tinySet(3)));
    expect(x.shape).to.deep.equal([3, 4]);
    expect(y.dtype).to.equal('int32');
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('moving the digits within the frame (shiftSamples)', () => {
  // One 3×3 image holding 1…9 row after row.
  const one: Samples = { x: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), y: Uint8Array.from([4]), count: 1, features: 9 };

  it('moves right and down, filling the uncovered border with background', () => {
    expect(Array.from(shiftSamples(one, 1, 1, 3).x)).to.deep.equal([0, 0, 0, 0, 1, 2, 0, 4, 5]);
  });

  it('moves left and up with negative amounts, and keeps the labels', () => {
    const moved = shiftSamples(one, -1, -2, 3);
    expect(Array.from(moved.x)).to.deep.equal([8, 9, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(moved.y)).to.deep.equal([4]);
  });

  it('refuses images that are not side × side, saying which side it assumed', () => {
    expect(errorOf(() => shiftSamples(one, 1, 0))).to.match(/28×28 = 784 values per sample, got 9.*side length/);
    expect(errorOf(() => shiftSamples(one, 0.5, 0, 3))).to.match(/whole numbers of pixels/);
  });
});

describe('pixel statistics (step 2)', () => {
  it('gives min, max and mean', () => {
    expect(pixelStats(Uint8Array.from([0, 255, 51]))).to.deep.equal({ min: 0, max: 255, mean: 102 });
  });
});
