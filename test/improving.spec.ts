import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../src/model';
import { prepareSamples, splitValidation } from '../src/prepare';
import { fit } from '../src/train';
import { evaluate } from '../src/evaluate';
import { realMnist } from './real-data';

describe('dropout in the course model (improving the MLP)', () => {
  it('adds a Dropout layer after the hidden layer, with no parameters of its own', () => {
    const model = createModel({ dropout: 0.2 });
    expect(model.layers.map((l) => l.getClassName())).to.deep.equal(['Dense', 'Dropout', 'Dense']);
    expect(model.countParams()).to.equal(101770);
    model.dispose();
  });

  it('trains (on the tape) and predicts without dropping anything', async function () {
    const mnist = await realMnist(this);
    const before = tf.memory().numTensors;
    const model = createModel({ dropout: 0.5 });
    await fit(model, prepareSamples(mnist.train, { limit: 500 }), { epochs: 2 });
    const test = prepareSamples(mnist.test, { limit: 200 });
    expect(evaluate(model, test)).to.deep.equal(evaluate(model, test));
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('early stopping on val_loss', () => {
  it('stops after `patience` epochs without improvement and keeps the best epoch\'s weights', async function () {
    const mnist = await realMnist(this);
    // 300 images overfit within a few epochs: val_loss turns upward.
    const { train, validation } = splitValidation(prepareSamples(mnist.train, { limit: 400 }), 0.25);
    const before = tf.memory().numTensors;
    const model = createModel({ seed: 3 });
    const history = await fit(model, train, { epochs: 60, validationData: validation, earlyStopping: { patience: 2 } });
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
      await fit(model, prepareSamples((await realMnist(this)).train, { limit: 10 }), { earlyStopping: { patience: 1 } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include('Early stopping watches val_loss: pass validationData');
    model.dispose();
  });
});
