import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createCnn } from '../../src/model/cnn';
import { createModel, parameterBreakdown } from '../../src/model/model';
import { batchShape, inputTensor } from '../../src/model/model-input';
import { prepareSamples } from '../../src/data/prepare';
import { fitSamples } from '../support/fit-samples';
import { evaluate } from '../../src/evaluate/evaluate';
import { predictLabels } from '../../src/evaluate/predict';
import { predictDigit } from '../../src/evaluate/predict';
import { errorOf } from '../support/errors';
import { realMnist } from '../support/real-data';
import { runOn } from '../support/run-on';

describe('the extension CNN (createCnn)', () => {
  runOn('wasm');

  it('adds up its parameters layer by layer: kh·kw·channels·filters + filters per convolution', () => {
    const cnn = createCnn();
    const layers = parameterBreakdown(cnn);
    expect(layers.map((l) => l.layer)).to.deep.equal(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'hidden', 'output']);
    expect(layers.map((l) => l.shape)).to.deep.equal([
      '28×28×1 → 26×26×32', '26×26×32 → 13×13×32', '13×13×32 → 11×11×64', '11×11×64 → 5×5×64', '5×5×64 → 1600', '1600 → 128', '128 → 10',
    ]);
    expect(layers.map((l) => l.formula)).to.deep.equal([
      '3·3·1·32 + 32 = 320', 'no weights: 0', '3·3·32·64 + 64 = 18496', 'no weights: 0', 'no weights: 0', '1600·128 + 128 = 204928', '128·10 + 10 = 1290',
    ]);
    expect(cnn.countParams()).to.equal(320 + 18496 + 204928 + 1290);
    cnn.dispose();
  });

  it('without the hidden Dense layer, feeds the 1600 pooled features straight to the output', () => {
    const cnn = createCnn({ hidden: 0, filters: [8, 16] });
    expect(cnn.layers.map((l) => l.name)).to.deep.equal(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'output']);
    expect(cnn.countParams()).to.equal((9 * 8 + 8) + (9 * 8 * 16 + 16) + (400 * 10 + 10));
    cnn.dispose();
  });

  it('starts from the same weights for the same seed, and others for another', () => {
    const start = (seed: number): Float32Array => {
      const cnn = createCnn({ seed });
      const values = cnn.getWeights()[2].dataSync() as Float32Array;
      cnn.dispose();
      return values;
    };
    expect(start(3)).to.deep.equal(start(3));
    expect(start(3)).not.to.deep.equal(start(4));
  });
});

describe('flat samples reshaped to the model input (model-input)', () => {
  runOn('wasm');

  it('gives the Dense model rows and the CNN pictures', () => {
    const cnn = createCnn({ hidden: 0, filters: [2, 2] });
    expect(batchShape(cnn, 5)).to.deep.equal([5, 28, 28, 1]);
    const batch = inputTensor(cnn, new Float32Array(2 * 784).fill(0.5), 2);
    expect(batch.shape).to.deep.equal([2, 28, 28, 1]);
    batch.dispose();
    expect(errorOf(() => inputTensor(cnn, new Float32Array(700), 1))).to.match(/takes 784 values per image \(input shape 28×28×1\).*prepareSamples/);
    cnn.dispose();
    const mlp = createModel();
    expect(batchShape(mlp, 5)).to.deep.equal([5, 784]);
    mlp.dispose();
  });
});

describe('training the CNN with model.fit, as the course model', function () {
  this.timeout(300000);
  let history: tf.History;
  let accuracy: number;
  const tensorsAfterEpoch: number[] = [];
  let prediction: ReturnType<typeof predictDigit>;
  let label: number;

  runOn('wasm');

  before(async function () {
    const mnist = await realMnist(this);
    const train = prepareSamples(mnist.train, { limit: 2048 });
    const test = prepareSamples(mnist.test, { limit: 1000 });
    const cnn = createCnn({ seed: 1 });
    history = await fitSamples(cnn, train, {
      epochs: 3, batchSize: 32,
      callbacks: { onEpochEnd: () => { tensorsAfterEpoch.push(tf.memory().numTensors); } },
    });
    accuracy = evaluate(cnn, test).accuracy;
    const labels = predictLabels(cnn, test);
    expect(labels.filter((l, i) => l === test.y[i]).length / test.count).to.be.closeTo(accuracy, 1e-9);
    prediction = predictDigit(cnn, test.x.subarray(0, 784));
    label = test.y[0];
    cnn.dispose();
  });

  it('learns: the loss falls every epoch and 2,048 images already give over 90 % on unseen digits', () => {
    const loss = history.history.loss as number[];
    expect(loss[1]).to.be.below(loss[0]);
    expect(loss[2]).to.be.below(loss[1]);
    expect(accuracy).to.be.above(0.9);
  });

  it('keeps the tensor count flat across epochs', () => {
    expect(new Set(tensorsAfterEpoch).size).to.equal(1);
  });

  it('predicts one digit from a batch of one picture, (1, 28, 28, 1)', () => {
    expect(prediction.inputShape).to.deep.equal([1, 28, 28, 1]);
    expect(prediction.digit).to.equal(label);
  });
});
