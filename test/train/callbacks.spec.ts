/**
 * Keras' callbacks in tfjs' own model.fit: early stopping that keeps the best
 * weights, the learning-rate schedule, and both beside tfjs' own callbacks and
 * the progress display, in one `callbacks` array.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { Samples, prepareSamples } from '../../src/data/prepare';
import { earlyStopping, learningRateScheduler } from '../../src/train/callbacks';
import { notebookProgress } from '../../src/figures/notebook-progress';
import { realMnist } from '../support/real-data';
import { rejection } from '../support/errors';

/** Images and labels as the workbook makes them: x of shape [n, 784], labels as float32. */
function tensorsOf(samples: Samples): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return { x: tf.tensor2d(samples.x, [samples.count, samples.features]), y: tf.tensor1d(samples.y, 'float32') };
}

/** The model's loss on the last `count` rows, as model.fit's validation computes it. */
function lossOn(model: tf.LayersModel, x: tf.Tensor2D, y: tf.Tensor1D, count: number): number {
  return tf.tidy(() => {
    const n = x.shape[0];
    const [loss] = model.evaluate(x.slice(n - count), y.slice(n - count), { batchSize: 32 }) as tf.Scalar[];
    return loss.dataSync()[0];
  });
}

describe('early stopping in model.fit (Keras\' EarlyStopping, restore_best_weights)', function () {
  this.timeout(120000);

  it('stops after `patience` epochs without improvement and keeps the best epoch\'s weights', async function () {
    // 300 images overfit within a few epochs: val_loss turns upward.
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 400 }));
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 3 });
    const stop = earlyStopping({ patience: 2 });
    const history = await model.fit(x, y, { epochs: 60, validationSplit: 0.25, callbacks: stop, verbose: 0 });
    const losses = history.history.val_loss as number[];
    const best = losses.indexOf(Math.min(...losses));
    expect(history.epoch.length, 'stopped early').to.be.below(60);
    expect(stop.bestEpoch).to.equal(best);
    expect(stop.stoppedEpoch).to.equal(best + 2);
    expect(history.epoch.length).to.equal(best + 3);
    expect(lossOn(model, x, y, 100), 'the best epoch\'s weights').to.be.closeTo(losses[best], 1e-4);
    model.dispose();
    expect(tf.memory().numTensors, 'the weight snapshot is freed').to.equal(before);
    tf.dispose([x, y]);
  });

  it('needs validation data and says how to give it', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 10 }));
    const model = createModel();
    const err = await rejection(model.fit(x, y, { epochs: 1, callbacks: [earlyStopping({ patience: 1 })], verbose: 0 }));
    expect(err.message).to.include('Early stopping watches val_loss: give model.fit validationSplit (e.g. 0.1) or validationData');
    model.dispose();
    tf.dispose([x, y]);
  });

  it('watches an accuracy rising under Keras\' name (tfjs logs val_acc), and can leave the last weights in place', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 400 }));
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 3 });
    const stop = earlyStopping({ monitor: 'val_accuracy', patience: 1, restoreBestWeights: false });
    const history = await model.fit(x, y, { epochs: 40, validationSplit: 0.25, callbacks: [stop], verbose: 0 });
    const accuracies = history.history.val_acc as number[];
    const best = accuracies.indexOf(Math.max(...accuracies));
    expect(stop.bestEpoch).to.equal(best);
    expect(history.epoch.length, 'stops one epoch after the best stops improving').to.equal(best + 2);
    const lastLoss = (history.history.val_loss as number[])[history.epoch.length - 1];
    expect(lossOn(model, x, y, 100), 'the last epoch\'s weights').to.be.closeTo(lastLoss, 1e-4);
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y]);
  });

  it('names a metric model.fit does not log', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 40 }));
    const model = createModel();
    const err = await rejection(model.fit(x, y, { epochs: 2, callbacks: earlyStopping({ monitor: 'precision' }), verbose: 0 }));
    expect(err.message).to.match(/watches precision, which model.fit does not log; it logs loss, acc/);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('refuses a patience that is not a whole number of epochs', () => {
    expect(() => earlyStopping({ patience: -1 })).to.throw(/expected patience to be a whole number of epochs ≥ 0, got -1/);
  });
});

describe('the project\'s callbacks beside tfjs\' own in one array', function () {
  this.timeout(120000);

  it('type-checks and runs: tf.callbacks.earlyStopping, mw.earlyStopping and the progress display together', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 400 }));
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 5 });
    const progress = notebookProgress({ title: 'mixed' });
    // tfjs' own stops first here (patience 0); ours then only frees its snapshot and restores its best.
    const theirs = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 0 });
    const ours = earlyStopping({ patience: 5 });
    const history = await model.fit(x, y, { epochs: 60, batchSize: 32, validationSplit: 0.25, callbacks: [theirs, ours, progress], verbose: 0 });
    expect(history.epoch.length).to.be.below(60);
    expect(progress.curves.val_loss, 'the display saw every epoch').to.deep.equal(history.history.val_loss);
    expect(progress.curves.accuracy, 'under Keras\' name').to.deep.equal(history.history.acc);
    const losses = history.history.val_loss as number[];
    expect(ours.bestEpoch).to.equal(losses.indexOf(Math.min(...losses)));
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y]);
  });

  it('takes a single callback as model.fit\'s whole `callbacks` option', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 64 }));
    const model = createModel();
    const progress = notebookProgress();
    const history = await model.fit(x, y, { epochs: 2, batchSize: 32, callbacks: progress, verbose: 0 });
    expect(history.epoch).to.deep.equal([0, 1]);
    expect(progress.secondsPerEpoch).to.have.length(2);
    model.dispose();
    tf.dispose([x, y]);
  });
});

describe('a learning-rate schedule in model.fit (Keras\' LearningRateScheduler)', function () {
  this.timeout(120000);

  it('sets the rate before each epoch, logs it as lr, and Adam\'s step shrinks with it', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 32 }));
    const plain = createModel({ seed: 3 });
    const scheduled = createModel({ seed: 3 });
    // One batch per epoch, not shuffled: both models take the same first step, then the same gradient at a tenth of the rate.
    const history = await scheduled.fit(x, y, {
      epochs: 2, batchSize: 32, shuffle: false, verbose: 0, callbacks: learningRateScheduler((epoch, rate) => (epoch === 1 ? rate / 10 : rate)),
    });
    await plain.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const first = plain.getWeights()[0].dataSync().slice();
    await plain.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const second = plain.getWeights()[0].dataSync();
    const end = scheduled.getWeights()[0].dataSync();
    expect(history.history.lr).to.deep.equal([0.001, 0.0001]);
    expect((scheduled.optimizer as unknown as { learningRate: number }).learningRate).to.equal(0.0001);
    let stepPlain = 0;
    let stepScheduled = 0;
    for (let i = 0; i < first.length; i++) {
      stepPlain += Math.abs(second[i] - first[i]);
      stepScheduled += Math.abs(end[i] - first[i]);
    }
    expect(stepPlain).to.be.above(0);
    expect(stepScheduled / stepPlain).to.be.closeTo(0.1, 0.002);
    plain.dispose();
    scheduled.dispose();
    tf.dispose([x, y]);
  });

  it('refuses a schedule that returns no usable rate', async function () {
    const { x, y } = tensorsOf(prepareSamples((await realMnist(this)).train, { limit: 32 }));
    const model = createModel();
    const err = await rejection(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [learningRateScheduler(() => 0)] }));
    expect(err.message).to.match(/returned 0; expected a positive number such as 0.001/);
    model.dispose();
    tf.dispose([x, y]);
  });
});
