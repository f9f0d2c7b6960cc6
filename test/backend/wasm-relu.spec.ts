import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmReluGradInstalled } from '../../src/backend/wasm-relu';
import { maxAbsDifference, on, randomValues } from '../support/compare-backends';

describe('the relu gradient in one pass (wasm)', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmReluGradInstalled()).to.equal(true);
  });

  // 2 × 5 × 5 × 3 = 150 values: a SIMD part and a tail; zeros in x get no gradient, as tf.step(0) = 0.
  const x = randomValues(150, 41).map((v, i) => (i % 7 === 0 ? 0 : v));
  const dy = randomValues(150, 42);
  for (const backend of ['wasm', 'cpu']) {
    it(`gives the cpu backend's gradient through relu on ${backend}`, async () => {
      const f = (): tf.Tensor => tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor(dy, [2, 5, 5, 3]))))(
        tf.tensor(x, [2, 5, 5, 3])));
      const here = await on(backend, f);
      const reference = await on('cpu', () => tf.tidy(() => tf.mul(tf.tensor(dy, [2, 5, 5, 3]), tf.step(tf.tensor(x, [2, 5, 5, 3])))));
      expect(here.shape).to.deep.equal([2, 5, 5, 3]);
      expect(maxAbsDifference(here.values, reference.values)).to.equal(0);
    });
  }

  it('leaves no tensors behind', async () => {
    await tf.setBackend('wasm');
    const t = tf.tensor(x, [2, 5, 5, 3]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(t).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    t.dispose();
  });
});
