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

  it('drops units while training: the same start and seed without dropout ends with other weights', async function () {
    const mnist = await realMnist(this);
    const before = tf.memory().numTensors;
    const train = prepareSamples(mnist.train, { limit: 500 });
    const withDropout = createModel({ dropout: 0.5, seed: 7 });
    const without = createModel({ seed: 7 });
    expect(weightsOf(withDropout), 'both start from the same weights').to.deep.equal(weightsOf(without));
    // The same batches in the same order (no shuffling): only dropout can tell the two apart.
    await fitSamples(withDropout, train, { epochs: 1, shuffle: false });
    await fitSamples(without, train, { epochs: 1, shuffle: false });
    expect(weightsOf(withDropout)).not.to.deep.equal(weightsOf(without));
    withDropout.dispose();
    without.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('drops nothing at inference: predict and evaluate equal the same weights without the Dropout layer', async function () {
    const mnist = await realMnist(this);
    const before = tf.memory().numTensors;
    const model = createModel({ dropout: 0.5 });
    await fitSamples(model, prepareSamples(mnist.train, { limit: 500 }), { epochs: 2 });
    // The same trained weights in the course model without dropout: what inference must compute.
    const twin = createModel();
    twin.setWeights(model.getWeights());
    const test = prepareSamples(mnist.test, { limit: 200 });
    expect(evaluate(model, test)).to.deep.equal(evaluate(twin, test));
    const x = tf.tensor2d(test.x, [test.count, test.features]);
    const [ours, reference] = [model, twin].map((m) => tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync()));
    expect(ours).to.deep.equal(reference);
    // The comparison can fail: the same layer told it is training zeroes about half the units and doubles the rest.
    const dropped = tf.tidy(() => Array.from((model.getLayer('dropout').apply(tf.ones([1, 1000]), { training: true }) as tf.Tensor).dataSync()));
    expect(new Set(dropped)).to.deep.equal(new Set([0, 2]));
    expect(dropped.filter((v) => v === 0).length).to.be.within(400, 600);
    x.dispose();
    model.dispose();
    twin.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});

/** Every weight of the model, as plain numbers. */
function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
