import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/choose-backend';
import { wasmKernels } from '../../src/backend/wasm-kernels';
import { maxAbsDifference, randomValues } from '../support/compare-backends';

/** Five steps of `optimizer.minimize` on a small least-squares problem; the weights after. */
function minimizeFiveTimes(seed: number): { weights: Float32Array; iterations: number } {
  const w = tf.variable(tf.tensor2d(randomValues(6 * 3, seed), [6, 3]), true, `adam_install_w_${seed}_${Math.random()}`);
  const x = tf.tensor2d(randomValues(8 * 6, seed + 1), [8, 6]);
  const y = tf.tensor2d(randomValues(8 * 3, seed + 2), [8, 3]);
  const optimizer = tf.train.adam(0.01);
  for (let i = 0; i < 5; i++) tf.tidy(() => { optimizer.minimize(() => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar); });
  const result = { weights: w.dataSync() as Float32Array, iterations: optimizer.iterations };
  tf.dispose([w, x, y]);
  optimizer.dispose();
  return result;
}

describe('every tf.train.adam on wasm updates in one fused pass (installed under applyGradients)', () => {
  let backendBefore: string;
  before(async function () {
    backendBefore = tf.getBackend();
    await initBackend('wasm');
    if (!(await tf.setBackend('wasm')) || wasmKernels() === undefined) this.skip();
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  it('moves the weights as tfjs\' own Adam does (MNIST_WASM_KERNELS=0), and counts its iterations', () => {
    const fused = minimizeFiveTimes(3);
    process.env.MNIST_WASM_KERNELS = '0';
    let stock: ReturnType<typeof minimizeFiveTimes>;
    try {
      stock = minimizeFiveTimes(3);
    } finally {
      delete process.env.MNIST_WASM_KERNELS;
    }
    expect(fused.iterations).to.equal(5);
    expect(stock.iterations).to.equal(5);
    expect(maxAbsDifference(fused.weights, stock.weights)).to.be.below(1e-6);
    expect(maxAbsDifference(fused.weights, randomValues(18, 3)), 'the weights moved').to.be.above(1e-3);
  });

  it('runs no tfjs kernel per weight: a step is the fused pass, not ~14 ops', async () => {
    const w = tf.variable(tf.zeros([4, 4]), true, `adam_install_kernels_${Math.random()}`);
    const optimizer = tf.train.adam(0.1);
    const g = tf.ones([4, 4]);
    optimizer.applyGradients([{ name: w.name, tensor: g }]);
    const profile = await tf.profile(() => { optimizer.applyGradients([{ name: w.name, tensor: g }]); });
    const names = profile.kernels.map((k) => k.name);
    expect(names).not.to.include('Sqrt');
    expect(names).not.to.include('RealDiv');
    tf.dispose([w, g]);
    optimizer.dispose();
  });

  it('leaves a gradient that is missing to tfjs\' own Adam, which skips that weight', () => {
    const a = tf.variable(tf.ones([3]), true, `adam_install_a_${Math.random()}`);
    const b = tf.variable(tf.ones([3]), true, `adam_install_b_${Math.random()}`);
    const optimizer = tf.train.adam(0.1);
    const g = tf.ones([3]);
    optimizer.applyGradients({ [a.name]: g } as unknown as Parameters<typeof optimizer.applyGradients>[0]);
    expect(Array.from(b.dataSync())).to.deep.equal([1, 1, 1]);
    expect(a.dataSync()[0]).to.be.below(1);
    tf.dispose([a, b, g]);
    optimizer.dispose();
  });
});
