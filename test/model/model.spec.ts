import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel, createPerceptron, modelSummary, neuronAsPerceptron, parameterBreakdown, weightShapes } from '../../src/model/model';
import { prepareSamples } from '../../src/data/prepare';
import { realMnist } from '../support/real-data';
import { runOn } from '../support/run-on';

describe('the course model (784 → Dense 128 relu → Dense 10 softmax)', () => {
  runOn('wasm');

  it('has 101,770 parameters: 784·128+128 and 128·10+10', () => {
    const model = createModel();
    expect(model.countParams()).to.equal(101770);
    expect(parameterBreakdown(model).map((l) => l.params)).to.deep.equal([784 * 128 + 128, 128 * 10 + 10]);
    expect(modelSummary(model)).to.include('Total params: 101770');
    model.dispose();
  });

  it('uses relu then softmax, Adam at 0.001 and sparse categorical cross-entropy', () => {
    const model = createModel();
    expect(model.layers.map((l) => l.getConfig().activation)).to.deep.equal(['relu', 'softmax']);
    expect(model.layers.map((l) => l.outputShape)).to.deep.equal([[null, 128], [null, 10]]);
    expect(model.optimizer.getClassName()).to.equal('Adam');
    expect(model.optimizer.getConfig().learningRate).to.equal(0.001);
    expect(model.loss).to.equal('sparseCategoricalCrossentropy');
    model.dispose();
  });

  it('starts from the same weights for the same seed, and others for another', () => {
    const weightsOf = (seed: number): Float32Array => {
      const model = createModel({ seed });
      const values = model.layers[0].getWeights()[0].dataSync() as Float32Array;
      model.dispose();
      return values;
    };
    expect(weightsOf(7)).to.deep.equal(weightsOf(7));
    expect(weightsOf(7)).not.to.deep.equal(weightsOf(8));
  });

  it('outputs 10 probabilities per image that sum to 1', () => {
    const model = createModel();
    const sums = tf.tidy(() => tf.sum(model.predict(tf.ones([3, 784])) as tf.Tensor, 1).arraySync() as number[]);
    sums.forEach((s) => expect(s).to.be.closeTo(1, 1e-5));
    model.dispose();
  });
});

describe('a perceptron next to a Dense layer (question 5)', () => {
  it('has one weight per input and one bias, where the Dense layer has 128 of each', () => {
    const perceptron = createPerceptron();
    const model = createModel();
    expect(weightShapes(perceptron)).to.deep.equal([{ layer: 'neuron', kernel: [784, 1], bias: [1] }]);
    expect(weightShapes(model)[0]).to.deep.equal({ layer: 'hidden', kernel: [784, 128], bias: [128] });
    perceptron.dispose();
    model.dispose();
  });

  it('computes one Dense neuron by hand as relu(w·x + b), equal to the layer', async function () {
    const model = createModel({ seed: 11 });
    const input = prepareSamples((await realMnist(this)).test, { limit: 1 }).x;
    const n = neuronAsPerceptron(model, 0, 5, input);
    expect(n.byHand).to.be.closeTo(n.fromLayer, 1e-5);
    expect(() => neuronAsPerceptron(model, 0, 128, input)).to.throw(/784 inputs and has 128 neurons; got 784 inputs and neuron 128/);
    expect(() => neuronAsPerceptron(model, 1, 0, new Float32Array(128))).to.throw(/handles relu and linear layers; layer output uses softmax/);
    model.dispose();
  });
});
