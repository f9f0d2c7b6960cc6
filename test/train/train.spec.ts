import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { prepareSamples, Samples, splitValidation } from '../../src/data/prepare';
import { fit, History, BatchProgress } from '../../src/train/train';
import { denseStepFor } from '../../src/train/train-step';
import { evaluate } from '../../src/evaluate/evaluate';
import { predictLabels } from '../../src/evaluate/predict';
import { realMnist } from '../support/real-data';
import { rejection } from '../support/errors';

describe('training the course model (fit)', function () {
  this.timeout(300000);
  let train: Samples;
  let test: Samples;
  let history: History;
  let testAccuracy: number;
  const tensorsAfterEpoch: number[] = [];
  const progress: BatchProgress[] = [];
  let tensorsBefore = 0;

  before(async function () {
    const mnist = await realMnist(this);
    const first2000 = prepareSamples(mnist.train, { limit: 2000 });
    ({ train } = { train: first2000 });
    test = prepareSamples(mnist.test);
    tensorsBefore = tf.memory().numTensors;
    const model = createModel({ seed: 1 });
    history = await fit(model, train, {
      epochs: 2,
      seed: 1,
      validationData: prepareSamples(mnist.test, { limit: 500 }),
      progressInterval: 0,
      callbacks: {
        onBatchProgress: (p) => { progress.push(p); },
        onEpochEnd: () => { tensorsAfterEpoch.push(tf.memory().numTensors); },
      },
    });
    testAccuracy = evaluate(model, test).accuracy;
    model.dispose();
  });

  it('learns: 2 epochs on the first 2,000 images score far above chance on the 10,000 test images', () => {
    // Chance is 0.10; this run scores about 0.88. 0.80 leaves a wide margin for other backends.
    expect(testAccuracy).to.be.greaterThan(0.8);
  });

  it('returns a Keras-style History with loss, accuracy, val_loss and val_accuracy per epoch', () => {
    expect(history.epoch).to.deep.equal([0, 1]);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy'] as const) {
      expect(history.history[key], key).to.have.length(2);
    }
    expect(history.history.loss[1]).to.be.lessThan(history.history.loss[0]);
    expect(history.history.accuracy[1]).to.be.greaterThan(history.history.accuracy[0]);
    expect(history.secondsPerEpoch).to.have.length(2);
  });

  it('reports progress per batch with running loss and accuracy', () => {
    // 2,000 images in batches of 32: 63 batches per epoch, the last one 16 images.
    expect(progress.filter((p) => p.epoch === 0).map((p) => p.batch)).to.include.members([1, 63]);
    const last = progress.filter((p) => p.epoch === 1 && p.batch === 63)[0];
    expect(last.batches).to.equal(63);
    expect(last.loss).to.be.closeTo(history.history.loss[1], 1e-6);
    expect(last.accuracy).to.be.closeTo(history.history.accuracy[1], 1e-6);
  });

  it('keeps the tensor count flat across epochs and back to its level when done', () => {
    expect(tensorsAfterEpoch[1]).to.equal(tensorsAfterEpoch[0]);
    expect(tf.memory().numTensors).to.equal(tensorsBefore);
  });

  it('repeats exactly for the same seed', async function () {
    const run = async (): Promise<number[]> => {
      const model = createModel({ seed: 3 });
      const small = prepareSamples((await realMnist(this)).train, { limit: 300 });
      const h = await fit(model, small, { epochs: 1, seed: 3 });
      const predictions = Array.from(predictLabels(model, prepareSamples((await realMnist(this)).test, { limit: 200 })));
      model.dispose();
      return [h.history.loss[0], ...predictions];
    };
    expect(await run()).to.deep.equal(await run());
  });

  it('reports the same loss as tfjs-layers\' own sparse categorical cross-entropy', () => {
    const model = createModel({ seed: 5 });
    const sample = prepareSamples({ images: new Uint8Array(784 * 4).map((_, i) => (i * 13) % 256), labels: Uint8Array.from([1, 7, 3, 0]), count: 4, rows: 28, cols: 28 });
    const ours = evaluate(model, sample);
    const theirs = tf.tidy(() => (model.evaluate(tf.tensor2d(sample.x, [4, 784]), tf.tensor1d([1, 7, 3, 0])) as tf.Scalar[])
      .map((t) => t.dataSync()[0]));
    expect(ours.loss).to.be.closeTo(theirs[0], 1e-5);
    expect(ours.accuracy).to.be.closeTo(theirs[1], 1e-6);
    model.dispose();
  });

  it('refuses samples of the wrong width and a batch size of 0', async () => {
    const model = createModel();
    const narrow: Samples = { x: new Float32Array(10), y: new Uint8Array(1), count: 1, features: 10 };
    let error: Error | undefined;
    try {
      await fit(model, narrow);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('expects 784 values per image but the samples have 10');
    const one = splitValidation(prepareSamples({ images: new Uint8Array(784 * 2), labels: Uint8Array.from([0, 1]), count: 2, rows: 28, cols: 28 }), 0.5).train;
    error = undefined;
    try {
      await fit(model, one, { batchSize: 0 });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('batch size that is a whole number ≥ 1, got 0');
    model.dispose();
  });
});

describe('the lean training step keeps Keras\' semantics', () => {
  it('moves the weights exactly as tfjs\' own model.fit does', async function () {
    const mnist = await realMnist(this);
    const batch = prepareSamples(mnist.train, { limit: 32 });
    const ours = createModel({ seed: 9 });
    const theirs = createModel({ seed: 9 });
    // One batch per epoch, so the shuffled order cannot change the mean gradient.
    await fit(ours, batch, { epochs: 3, batchSize: 32 });
    const [x, y] = [tf.tensor2d(batch.x, [32, 784]), tf.tensor1d(Array.from(batch.y), 'float32')];
    await theirs.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
    x.dispose();
    y.dispose();
    const weights = (m: tf.LayersModel): Float32Array[] => m.getWeights().map((w) => w.dataSync() as Float32Array);
    const [a, b] = [weights(ours), weights(theirs)];
    let max = 0;
    a.forEach((w, i) => w.forEach((v, j) => { max = Math.max(max, Math.abs(v - b[i][j])); }));
    expect(max).to.be.below(1e-5);
    expect(a[0]).not.to.deep.equal(weights(createModel({ seed: 9 }))[0]);
    ours.dispose();
    theirs.dispose();
  });
});

describe('choosing the training step', () => {
  it('uses the hand-written Dense step for the course model, and the tape for other models', () => {
    const course = createModel();
    expect(denseStepFor(course)).to.be.a('function');
    const tanh = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 8, activation: 'tanh' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    tanh.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    expect(denseStepFor(tanh)).to.equal(undefined);
    course.dispose();
    tanh.dispose();
  });

  it('trains other models on the tape exactly as model.fit does, without leaking tensors', async function () {
    const batch = prepareSamples((await realMnist(this)).train, { limit: 32 });
    const build = (): tf.Sequential => {
      const m = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [784], units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ] });
      m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    const ours = build();
    const theirs = build();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await fit(ours, batch, { epochs: 3, callbacks: { onEpochEnd: () => { counts.push(tf.memory().numTensors); } } });
    expect(counts[2]).to.equal(counts[1]);
    expect(tf.memory().numTensors - before).to.equal(counts[0] - before);
    const [x, y] = [tf.tensor2d(batch.x, [32, 784]), tf.tensor1d(Array.from(batch.y), 'float32')];
    await theirs.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
    x.dispose();
    y.dispose();
    const a = ours.getWeights().map((w) => w.dataSync());
    const b = theirs.getWeights().map((w) => w.dataSync());
    let max = 0;
    a.forEach((w, i) => w.forEach((v, j) => { max = Math.max(max, Math.abs(v - b[i][j])); }));
    expect(max).to.be.below(1e-5);
    ours.dispose();
    theirs.dispose();
  });
});

describe('fit in the form of tfjs\' model.fit: fit(model, x, y, { validationSplit })', () => {
  /** 40 generated samples, 784 values each, labels 0–9 in turn. */
  const samples = (): Samples => {
    const x = new Float32Array(40 * 784).map((_, i) => ((i * 37) % 101) / 100);
    return { x, y: new Uint8Array(40).map((_, i) => i % 10), count: 40, features: 784 };
  };

  it('trains on the first 90 % and validates on the LAST 10 %, as Keras and tfjs cut them', async () => {
    const data = samples();
    const x = tf.tensor2d(data.x, [40, 784]);
    const y = tf.tensor1d(Array.from(data.y), 'float32');
    const before = tf.memory().numTensors;
    const fromTensors = createModel({ seed: 3, hidden: 8 });
    const h = await fit(fromTensors, x, y, { epochs: 2, batchSize: 8, validationSplit: 0.1 });
    expect(h.params).to.deep.equal({ epochs: 2, batchSize: 8, samples: 36, validationSamples: 4 });
    // Trained like the Samples form with the last 4 samples as validation data: the same History, step for step.
    const { train, validation } = splitValidation(data, 0.1);
    expect(validation.y).to.deep.equal(data.y.subarray(36));
    const fromSamples = createModel({ seed: 3, hidden: 8 });
    const reference = await fit(fromSamples, train, { epochs: 2, batchSize: 8, validationData: validation });
    expect(h.history).to.deep.equal(reference.history);
    expect(h.history.val_loss![1]).to.be.closeTo(evaluate(fromTensors, validation).loss, 1e-6);
    fromTensors.dispose();
    fromSamples.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y]);
  });

  it('takes validationSplit with Samples too, and refuses bad labels, a bad split, or both split and data', async () => {
    const model = createModel({ seed: 3, hidden: 8 });
    expect((await fit(model, samples(), { epochs: 1, validationSplit: 0.25 })).params).to.include({ samples: 30, validationSamples: 10 });
    const x = tf.zeros([40, 784]);
    const oneHot = tf.zeros([40, 10]);
    const fractions = tf.fill([40], 0.5);
    const y = tf.zeros([40]);
    expect((await rejection(fit(model, x, oneHot, { epochs: 1 }))).message).to.include('one label per image, shape [40], got shape [40, 10]');
    expect((await rejection(fit(model, x, fractions, { epochs: 1 }))).message).to.include('whole-number labels').and.include('0.5');
    expect((await rejection(fit(model, x, y, { epochs: 1, validationSplit: 1.5 }))).message).to.include('between 0 and 1');
    expect((await rejection(fit(model, x, y, { epochs: 1, validationSplit: 0.1, validationData: samples() }))).message).to.include('either validationSplit or validationData');
    tf.dispose([x, oneHot, fractions, y]);
    model.dispose();
  });
});
