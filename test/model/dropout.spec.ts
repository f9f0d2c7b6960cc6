import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { prepareSamples } from '../../src/data/prepare';
import { fitSamples } from '../support/fit-samples';
import { evaluate } from '../../src/evaluate/evaluate';
import { realMnist } from '../support/real-data';

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
    await fitSamples(model, prepareSamples(mnist.train, { limit: 500 }), { epochs: 2 });
    const test = prepareSamples(mnist.test, { limit: 200 });
    expect(evaluate(model, test)).to.deep.equal(evaluate(model, test));
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
