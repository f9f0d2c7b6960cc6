import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel, createPerceptron, neuronAsPerceptron, weightShapes } from '../src/model';
import { grayToRgb, rgbToGray } from '../src/predict';
import { pixelStats, prepareSamples } from '../src/prepare';
import { replacePrevious } from '../src/session';
import { compareRuns } from '../src/experiments';
import { progressLine } from '../src/notebook-progress';
import { terminalProgress } from '../src/progress';
import { realMnist } from './real-data';

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

describe('colour images (question 9)', () => {
  it('grayToRgb copies each pixel into 3 channels and rgbToGray averages them back', () => {
    const gray = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const rgb = grayToRgb(gray);
    expect([rgb.length, rgb[0].length, rgb[0][0].length]).to.deep.equal([28, 28, 3]);
    expect(rgb[1][2]).to.deep.equal([30, 30, 30]);
    expect(rgbToGray([[[30, 60, 90]]])).to.deep.equal([[60]]);
    expect(rgbToGray(rgb).flat()).to.deep.equal(Array.from(gray));
  });
});

describe('pixel statistics (step 2)', () => {
  it('gives min, max and mean', () => {
    expect(pixelStats(Uint8Array.from([0, 255, 51]))).to.deep.equal({ min: 0, max: 255, mean: 102 });
  });
});

describe('re-running a notebook cell', () => {
  it('frees the previous run\'s model under the same name, and only that one', () => {
    const before = tf.memory().numTensors;
    const first = replacePrevious('spec-model', createModel());
    const other = replacePrevious('spec-other', createModel());
    const afterTwo = tf.memory().numTensors;
    replacePrevious('spec-model', createModel());
    expect(tf.memory().numTensors).to.equal(afterTwo);
    expect(() => tf.tidy(() => first.predict(tf.zeros([1, 784])))).to.throw(/disposed/i);
    expect(tf.tidy(() => (other.predict(tf.zeros([1, 784])) as tf.Tensor).shape)).to.deep.equal([1, 10]);
    replacePrevious('spec-model', { dispose: () => undefined });
    replacePrevious('spec-other', { dispose: () => undefined });
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('side-by-side training runs (question 1)', () => {
  it('trains a fresh model per run, reports history and test score, and frees the models', async function () {
    const mnist = await realMnist(this);
    const test = prepareSamples(mnist.test, { limit: 500 });
    const before = tf.memory().numTensors;
    const runs = await compareRuns({
      normalized: { train: prepareSamples(mnist.train, { limit: 1000 }), test },
      raw: { train: prepareSamples(mnist.train, { limit: 1000, normalize: false }), test: prepareSamples(mnist.test, { limit: 500, normalize: false }) },
    }, { epochs: 2 });
    expect(Object.keys(runs)).to.deep.equal(['normalized', 'raw']);
    expect(runs.raw.history.history.loss[0]).to.be.greaterThan(runs.normalized.history.history.loss[0]);
    expect(runs.normalized.test.accuracy).to.be.greaterThan(0.7);
    expect(tf.memory().numTensors).to.equal(before);
  });
});

describe('training progress', () => {
  const progress = { epoch: 1, epochs: 5, batch: 600, batches: 1875, loss: 0.12345, accuracy: 0.96, elapsed: 1.2 };

  it('draws a Keras-style line with bar, loss, accuracy and time left', () => {
    expect(progressLine(progress)).to.equal(
      'Epoch 2/5 [=========>....................] 600/1875 - loss 0.1235 - accuracy 0.9600 - ETA 3s');
    expect(progressLine({ ...progress, batch: 1875 })).to.match(/\[=+\] 1875\/1875 .* - 1\.2s$/);
  });

  it('writes one line per epoch to a stream that is not a terminal', async () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const callbacks = terminalProgress(stream);
    await callbacks.onTrainBegin?.({ epochs: 5, batches: 10, samples: 320 });
    await callbacks.onBatchProgress?.(progress);
    const history = { epoch: [0], history: { loss: [0.5], accuracy: [0.9] }, secondsPerEpoch: [2.5] };
    await callbacks.onEpochEnd?.(0, { loss: 0.5, accuracy: 0.9 }, history);
    expect(written).to.deep.equal(['Epoch 1/5 - 2.5s - loss 0.5000 - accuracy 0.9000\n']);
  });
});
