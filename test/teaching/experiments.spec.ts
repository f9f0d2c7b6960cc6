import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { compareRuns } from '../../src/teaching/experiments';
import { prepareSamples } from '../../src/data/prepare';
import { realMnist } from '../support/real-data';

describe('side-by-side training runs (question 1)', () => {
  it('trains a fresh model per run with model.fit, reports history and test score, and frees the models and tensors', async function () {
    const mnist = await realMnist(this);
    const test = prepareSamples(mnist.test, { limit: 500 });
    const before = tf.memory().numTensors;
    const runs = await compareRuns({
      normalized: { train: prepareSamples(mnist.train, { limit: 1000 }), test },
      raw: { train: prepareSamples(mnist.train, { limit: 1000, normalize: false }), test: prepareSamples(mnist.test, { limit: 500, normalize: false }) },
    }, { epochs: 2 });
    expect(Object.keys(runs)).to.deep.equal(['normalized', 'raw']);
    expect(runs.raw.loss[0]).to.be.greaterThan(runs.normalized.loss[0]);
    expect(runs.raw.loss).to.deep.equal(runs.raw.history.history.loss).and.have.length(2);
    expect(runs.normalized.test.accuracy).to.be.greaterThan(0.7);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
