import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmMatMulFixInstalled } from '../../src/backend/wasm-matmul';
import { maxAbsDifference, on, randomValues } from '../support/compare-backends';

describe('the wasm transposed-matmul workaround', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmMatMulFixInstalled()).to.equal(true);
  });

  const cases: { name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { name: 'plain', a: [32, 784], b: [784, 128], transposeA: false, transposeB: false },
    { name: 'transposeA (weight gradient)', a: [32, 784], b: [32, 128], transposeA: true, transposeB: false },
    { name: 'transposeB (input gradient)', a: [32, 128], b: [784, 128], transposeA: false, transposeB: true },
    { name: 'both transposed', a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { name: 'batched rank 3, transposeA', a: [4, 6, 5], b: [4, 6, 3], transposeA: true, transposeB: false },
    // A small batch against wide weights: computed as (B·Aᵀ)ᵀ.
    { name: 'transposeB, a batch of 64 against 1600 × 128 weights (swapped operands)', a: [64, 128], b: [1600, 128], transposeA: false, transposeB: true },
    { name: 'batched rank 3, transposeB (swapped operands)', a: [2, 3, 300], b: [2, 400, 300], transposeA: false, transposeB: true },
  ];
  for (const c of cases) {
    it(`equals the cpu backend: ${c.name}`, async () => {
      const a = randomValues(c.a.reduce((x, y) => x * y), 1);
      const b = randomValues(c.b.reduce((x, y) => x * y), 2);
      const f = (): tf.Tensor => tf.tidy(() => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB));
      const wasm = await on('wasm', f);
      const cpu = await on('cpu', f);
      await tf.setBackend('wasm');
      expect(wasm.shape).to.deep.equal(cpu.shape);
      expect(maxAbsDifference(wasm.values, cpu.values)).to.be.below(1e-4);
    });
  }

  it('gives the cpu backend\'s gradients for a Dense layer', async () => {
    const x = randomValues(16 * 20, 3);
    const w = randomValues(20 * 8, 4);
    const grads = (): tf.Tensor => tf.tidy(() => {
      const [gx, gw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.relu(tf.matMul(xs, ws))))(
        [tf.tensor2d(x, [16, 20]), tf.tensor2d(w, [20, 8])]);
      return tf.concat([gx.flatten(), gw.flatten()]);
    });
    const wasm = await on('wasm', grads);
    const cpu = await on('cpu', grads);
    await tf.setBackend('wasm');
    expect(maxAbsDifference(wasm.values, cpu.values)).to.be.below(1e-4);
  });

  it('frees its temporaries when it swaps the operands', () => {
    const a = tf.tensor2d(randomValues(8 * 128, 7), [8, 128]);
    const b = tf.tensor2d(randomValues(1600 * 128, 8), [1600, 128]);
    tf.matMul(a, b, false, true).dispose();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.matMul(a, b, false, true).dispose();
    expect(tf.memory().numBytes).to.equal(before.numBytes);
    expect(tf.engine().backend.numDataIds()).to.equal(before.numDataBuffers);
    a.dispose();
    b.dispose();
  });

  it('frees its temporary transposes', () => {
    const a = tf.tensor2d(randomValues(32 * 64, 5), [32, 64]);
    const b = tf.tensor2d(randomValues(32 * 16, 6), [32, 16]);
    const before = tf.memory();
    for (let i = 0; i < 20; i++) tf.matMul(a, b, true, false).dispose();
    const after = tf.memory();
    expect(after.numTensors).to.equal(before.numTensors);
    expect(after.numBytes).to.equal(before.numBytes);
    expect(tf.engine().backend.numDataIds()).to.equal(before.numDataBuffers);
    a.dispose();
    b.dispose();
  });
});
