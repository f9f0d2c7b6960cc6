/**
 * fit's tensor form, fit(model, x, y, options), as Step 5 of the workbook
 * calls it: the images stay on the backend (batches gathered, validation
 * sliced) and it trains exactly as the Samples form does for the same seed.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { createCnn } from '../../src/model/cnn';
import { Samples } from '../../src/data/prepare';
import { fit, FitOptions, History } from '../../src/train/train';
import { seededRandom } from '../../src/train/random';
import { TrainingInterrupted, signalInterrupt } from '../../src/train/interrupt';
import { rejection } from '../support/errors';
import { watchReads } from '../support/backend-reads';

/** `count` generated images: pixels in [0, 1] from a seeded stream, each label brightening its own band. */
function generated(count: number): Samples {
  const random = seededRandom(11);
  const x = new Float32Array(count * 784).map(() => random() * 0.5);
  const y = new Uint8Array(count).map((_, i) => (i * 7) % 10);
  y.forEach((label, i) => { for (let p = 0; p < 78; p++) x[i * 784 + label * 78 + p] += 0.5; });
  return { x, y, count, features: 784 };
}

/** The largest difference between two models' weights. */
function weightGap(a: tf.LayersModel, b: tf.LayersModel): number {
  const [wa, wb] = [a.getWeights().map((w) => w.dataSync()), b.getWeights().map((w) => w.dataSync())];
  let gap = 0;
  wa.forEach((w, i) => w.forEach((v, j) => { gap = Math.max(gap, Math.abs(v - wb[i][j])); }));
  return gap;
}

function expectSameHistory(ours: History, reference: History): void {
  expect(ours.epoch).to.deep.equal(reference.epoch);
  expect(ours.params).to.deep.equal(reference.params);
  expect(Object.keys(ours.history).sort()).to.deep.equal(Object.keys(reference.history).sort());
  for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
    (reference.history[key] ?? []).forEach((v, i) => expect(ours.history[key]?.[i], `${key}[${i}]`).to.be.closeTo(v, 1e-5));
  }
}

describe('fit(model, x, y) trains as fit(model, samples) does, for the same seed', function () {
  this.timeout(60000);
  const data = generated(50);
  const labels = (): tf.Tensor1D => tf.tensor1d(data.y, 'float32');

  // 50 images: without a split, 7 batches of 8 (the last of 2); with validationSplit 0.1, 45 train (the last batch 5) and 5 validate.
  const cases: { name: string; options: FitOptions; build: () => tf.LayersModel; shape: number[] }[] = [
    { name: 'the course MLP', options: { epochs: 2, batchSize: 8, seed: 7 }, build: () => createModel({ seed: 3, hidden: 8 }), shape: [50, 784] },
    { name: 'the course MLP, validationSplit 0.1', options: { epochs: 2, batchSize: 8, seed: 7, validationSplit: 0.1 }, build: () => createModel({ seed: 3, hidden: 8 }), shape: [50, 784] },
    { name: 'a small CNN on [n, 28, 28, 1] images, validationSplit 0.2', options: { epochs: 2, batchSize: 16, seed: 5, validationSplit: 0.2 }, build: () => createCnn({ seed: 2, filters: [2, 3], hidden: 0 }), shape: [50, 28, 28, 1] },
    { name: 'a small CNN on flat [n, 784] rows', options: { epochs: 1, batchSize: 16, seed: 5 }, build: () => createCnn({ seed: 2, filters: [2, 3], hidden: 0 }), shape: [50, 784] },
  ];
  for (const c of cases) {
    it(`${c.name}: the same weights and History, within 1e-5`, async () => {
      const [x, y] = [tf.tensor(data.x, c.shape), labels()];
      const [fromTensors, fromSamples] = [c.build(), c.build()];
      const ours = await fit(fromTensors, x, y, c.options);
      const reference = await fit(fromSamples, data, c.options);
      expectSameHistory(ours, reference);
      expect(weightGap(fromTensors, fromSamples)).to.be.below(1e-5);
      // Training moved the weights: the comparison is not between two untouched models.
      const untouched = c.build();
      expect(weightGap(fromTensors, untouched)).to.be.above(1e-3);
      tf.dispose([x, y]);
      [fromTensors, fromSamples, untouched].forEach((m) => m.dispose());
    });
  }

  it('takes raw int32 pixels as the Samples form takes them unnormalized (cast per batch)', async () => {
    const raw: Samples = { ...data, x: Float32Array.from(data.x, (v) => Math.round(v * 255)) };
    const x = tf.tensor2d(Int32Array.from(raw.x), [50, 784], 'int32');
    const y = labels();
    const [a, b] = [createModel({ seed: 4, hidden: 8 }), createModel({ seed: 4, hidden: 8 })];
    expectSameHistory(await fit(a, x, y, { epochs: 1, batchSize: 8, validationSplit: 0.1 }), await fit(b, raw, { epochs: 1, batchSize: 8, validationSplit: 0.1 }));
    expect(weightGap(a, b)).to.be.below(1e-5);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});

describe('fit(model, x, y) leaves the images on the backend', function () {
  this.timeout(60000);
  const data = generated(40);

  it('never reads x back: the largest read is the labels, and the watch would see a copy of x', async () => {
    const x = tf.tensor2d(data.x, [40, 784]);
    const y = tf.tensor1d(data.y, 'float32');
    const model = createModel({ seed: 3, hidden: 8 });
    const reads = watchReads();
    try {
      await fit(model, x, y, { epochs: 2, batchSize: 8, validationSplit: 0.1, progressInterval: 0, callbacks: { onBatchProgress: () => undefined } });
      // y (40 labels) once; then the running loss and accuracy sums and the validation scores, one value each.
      expect(Math.max(...reads.sizes)).to.equal(40);
      expect(reads.sizes.filter((n) => n === 1).length).to.be.greaterThan(4);
      x.dataSync();
      expect(Math.max(...reads.sizes)).to.equal(40 * 784);
    } finally {
      reads.stop();
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('keeps the tensor count flat across epochs and back to its level when done', async () => {
    const x = tf.tensor2d(data.x, [40, 784]);
    const y = tf.tensor1d(data.y, 'float32');
    const model = createModel({ seed: 3, hidden: 8 });
    // Adam makes its moment tensors at the first step; they belong to the model, so count from after one run.
    await fit(model, x, y, { epochs: 1, batchSize: 8 });
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await fit(model, x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, callbacks: { onEpochEnd: () => { counts.push(tf.memory().numTensors); } } });
    expect(counts).to.have.length(3);
    expect(counts[2]).to.equal(counts[0]);
    expect(counts[1]).to.equal(counts[0]);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('stops at the next batch on Kernel → Interrupt and frees what it holds', async () => {
    const x = tf.tensor2d(data.x, [40, 784]);
    const y = tf.tensor1d(data.y, 'float32');
    const model = createModel({ seed: 3, hidden: 8 });
    await fit(model, x, y, { epochs: 1, batchSize: 8 });
    const before = tf.memory().numTensors;
    const error = await rejection(fit(model, x, y, {
      epochs: 20, batchSize: 8, validationSplit: 0.1, progressInterval: 0,
      callbacks: { onBatchProgress: (p) => { if (p.epoch === 1 && p.batch === 2) signalInterrupt(); } },
    }));
    expect(error).to.be.instanceOf(TrainingInterrupted);
    expect(error.message).to.match(/interrupted in epoch 2, after batch 3 of 5/);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses images that do not fit the model, saying what it expected', async () => {
    const x = tf.zeros([40, 10]);
    const y = tf.zeros([40]);
    const model = createModel({ seed: 3, hidden: 8 });
    expect((await rejection(fit(model, x, y, { epochs: 1 }))).message)
      .to.include('expects 784 values per image but the images in x have 10').and.include('[count, 784]');
    tf.dispose([x, y]);
    model.dispose();
  });
});
