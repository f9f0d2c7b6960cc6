import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { prepareSamples, splitValidation } from '../../src/data/prepare';
import { fit } from '../../src/train/train';
import { earlyStopping, learningRateScheduler } from '../../src/train/callbacks';
import { evaluate } from '../../src/evaluate/evaluate';
import { realMnist } from '../support/real-data';
import { rejection } from '../support/errors';

describe('early stopping on val_loss', () => {
  it('stops after `patience` epochs without improvement and keeps the best epoch\'s weights', async function () {
    const mnist = await realMnist(this);
    // 300 images overfit within a few epochs: val_loss turns upward.
    const { train, validation } = splitValidation(prepareSamples(mnist.train, { limit: 400 }), 0.25);
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 3 });
    const history = await fit(model, train, { epochs: 60, validationData: validation, callbacks: earlyStopping({ patience: 2 }) });
    const losses = history.history.val_loss as number[];
    const best = losses.indexOf(Math.min(...losses));
    expect(history.epoch.length, 'stopped early').to.be.below(60);
    expect(history.bestEpoch).to.equal(best);
    expect(history.epoch.length).to.equal(best + 3);
    expect(evaluate(model, validation).loss).to.be.closeTo(losses[best], 1e-4);
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('needs validation data and says so', async function () {
    const model = createModel();
    let message = '';
    try {
      await fit(model, prepareSamples((await realMnist(this)).train, { limit: 10 }), { callbacks: [earlyStopping({ patience: 1 })] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include('Early stopping watches val_loss: pass validationData');
    model.dispose();
  });

  it('watches an accuracy rising, and can leave the last weights in place', async function () {
    const { train, validation } = splitValidation(prepareSamples((await realMnist(this)).train, { limit: 400 }), 0.25);
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 3 });
    const history = await fit(model, train, {
      epochs: 40, validationData: validation, callbacks: earlyStopping({ monitor: 'val_accuracy', patience: 1, restoreBestWeights: false }),
    });
    const accuracies = history.history.val_accuracy as number[];
    const best = accuracies.indexOf(Math.max(...accuracies));
    expect(history.bestEpoch).to.equal(best);
    expect(history.epoch.length, 'stops one epoch after the best stops improving').to.equal(best + 2);
    expect(evaluate(model, validation).accuracy, 'the last epoch\'s weights').to.be.closeTo(accuracies[accuracies.length - 1], 1e-6);
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses a patience that is not a whole number of epochs', () => {
    expect(() => earlyStopping({ patience: -1 })).to.throw(/expected patience to be a whole number of epochs ≥ 0, got -1/);
  });
});

describe('a callback that stops training (Keras\' model.stop_training)', () => {
  it('ends fit after the epoch in which it set model.stopTraining', async function () {
    const batch = prepareSamples((await realMnist(this)).train, { limit: 64 });
    const model = createModel();
    const history = await fit(model, batch, { epochs: 5, callbacks: { onEpochEnd: (epoch) => { if (epoch === 1) model.stopTraining = true; } } });
    expect(history.epoch).to.deep.equal([0, 1]);
    const again = await fit(model, batch, { epochs: 2 });
    expect(again.epoch, 'the next fit starts afresh').to.deep.equal([0, 1]);
    model.dispose();
  });
});

describe('a learning-rate schedule (Keras\' LearningRateScheduler)', () => {
  it('sets the rate before each epoch, and Adam\'s step shrinks with it', async function () {
    const batch = prepareSamples((await realMnist(this)).train, { limit: 32 });
    const plain = createModel({ seed: 3 });
    const scheduled = createModel({ seed: 3 });
    const start = plain.getWeights()[0].dataSync().slice();
    const history = await fit(scheduled, batch, { epochs: 2, callbacks: learningRateScheduler((epoch, rate) => (epoch === 1 ? rate / 10 : rate)) });
    const afterFirst: Float32Array[] = [];
    await fit(plain, batch, { epochs: 2, callbacks: { onEpochEnd: () => { afterFirst.push(plain.getWeights()[0].dataSync().slice() as Float32Array); } } });
    expect(history.learningRate).to.deep.equal([0.001, 0.0001]);
    expect((scheduled.optimizer as unknown as { learningRate: number }).learningRate).to.equal(0.0001);
    // One batch per epoch: both models take the same first step, then the same gradient at a tenth of the rate.
    const [first, end] = [afterFirst[0], scheduled.getWeights()[0].dataSync()];
    let stepPlain = 0;
    let stepScheduled = 0;
    for (let i = 0; i < first.length; i++) {
      stepPlain += Math.abs(afterFirst[1][i] - first[i]);
      stepScheduled += Math.abs(end[i] - first[i]);
    }
    expect(stepPlain).to.be.above(0);
    expect(stepScheduled / stepPlain).to.be.closeTo(0.1, 0.002);
    expect(start).not.to.deep.equal(first);
    plain.dispose();
    scheduled.dispose();
  });

  it('refuses a schedule that returns no usable rate', async function () {
    const batch = prepareSamples((await realMnist(this)).train, { limit: 32 });
    const model = createModel();
    const err = await rejection(fit(model, batch, { epochs: 1, callbacks: [learningRateScheduler(() => 0)] }));
    expect(err.message).to.match(/returned 0; expected a positive number such as 0.001/);
    model.dispose();
  });
});
