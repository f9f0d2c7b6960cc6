import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { on, randomValues } from './compare-backends';

describe('the wasm Conv2D filter gradient (missing from tfjs-backend-wasm 4.22)', () => {
  before(async () => {
    await initBackend('wasm');
  });
  after(async () => {
    await tf.setBackend('wasm');
  });

  for (const pad of ['valid', 'same'] as const) {
    it(`equals the cpu backend's, padding "${pad}"`, async () => {
      const x = randomValues(2 * 9 * 8 * 3, 1);
      const dyShape = pad === 'valid' ? [2, 7, 6, 4] : [2, 9, 8, 4];
      const dy = randomValues(dyShape.reduce((a, b) => a * b), 2);
      // The filter gradient of Σ conv2d(x, filter) ⊙ dy is exactly Conv2DBackpropFilter(x, dy).
      const f = (): tf.Tensor => tf.tidy(() => tf.grad((filter: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(tf.tensor4d(x, [2, 9, 8, 3]), filter as tf.Tensor4D, 1, pad), tf.tensor(dy, dyShape))))(tf.zeros([3, 3, 3, 4])));
      const wasm = await on('wasm', f);
      const cpu = await on('cpu', f);
      expect(wasm.shape).to.deep.equal([3, 3, 3, 4]);
      let max = 0;
      wasm.values.forEach((v, i) => { max = Math.max(max, Math.abs(v - cpu.values[i])); });
      expect(max).to.be.below(1e-4);
    });
  }

  it('lets a Conv2D layer train on wasm, leaving no tensors or buffers behind', async () => {
    await tf.setBackend('wasm');
    const conv = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    conv.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const xs = tf.tensor4d(randomValues(4 * 64, 3), [4, 8, 8, 1]);
    const ys = tf.tensor1d([0, 1, 0, 1]);
    await conv.fit(xs, ys, { epochs: 1, verbose: 0 });
    const before = tf.memory();
    await conv.fit(xs, ys, { epochs: 2, verbose: 0 });
    expect(tf.memory().numTensors).to.equal(before.numTensors);
    expect(tf.engine().backend.numDataIds()).to.equal(before.numDataBuffers);
    xs.dispose();
    ys.dispose();
    conv.dispose();
  });

  it('refuses strided convolutions with a message that says what is supported', () => {
    const strided = (): tf.Tensor => tf.tidy(() => tf.grad((filter: tf.Tensor) =>
      tf.sum(tf.conv2d(tf.zeros([1, 5, 5, 1]) as tf.Tensor4D, filter as tf.Tensor4D, 2, 'valid')))(tf.zeros([3, 3, 1, 1])));
    expect(strided).to.throw(/supports NHWC, stride 1/);
  });
});
