import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmSumInstalled } from '../../src/backend/wasm-reduce';
import { on, randomValues } from '../support/compare-backends';

/** Largest difference relative to the larger magnitude (sums of thousands of values round differently in float32). */
function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i])));
  return max;
}

describe('the wasm Sum over leading axes (a convolution\'s bias gradient)', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmSumInstalled()).to.equal(true);
  });

  const cases: { name: string; shape: number[]; axis: number[] | number; keepDims: boolean; out: number[] }[] = [
    { name: 'a batch of feature maps, 32 channels', shape: [4, 26, 26, 32], axis: [0, 1, 2], keepDims: false, out: [32] },
    { name: 'axes given out of order and negative', shape: [3, 5, 7], axis: [1, -3], keepDims: true, out: [1, 1, 7] },
    { name: 'a Dense gradient, 10 columns (a SIMD part and a tail)', shape: [32, 10], axis: 0, keepDims: false, out: [10] },
    { name: 'the last axis (the backend\'s own kernel)', shape: [6, 9], axis: 1, keepDims: false, out: [6] },
    { name: 'all axes (the backend\'s own kernel)', shape: [6, 9], axis: [0, 1], keepDims: false, out: [] },
  ];
  for (const c of cases) {
    it(`equals the cpu backend's: ${c.name}`, async () => {
      const values = randomValues(c.shape.reduce((a, b) => a * b), 11);
      const f = (): tf.Tensor => tf.tidy(() => tf.sum(tf.tensor(values, c.shape), c.axis, c.keepDims));
      const wasm = await on('wasm', f);
      const cpu = await on('cpu', f);
      expect(wasm.shape).to.deep.equal(c.out);
      expect(cpu.shape).to.deep.equal(c.out);
      expect(maxRelativeDifference(wasm.values, cpu.values)).to.be.below(1e-5);
    });
  }

  it('leaves no tensors or buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([8, 5, 4]);
    const before = tf.engine().backend.numDataIds();
    for (let i = 0; i < 5; i++) tf.sum(x, [0, 1]).dispose();
    expect(tf.engine().backend.numDataIds()).to.equal(before);
    expect(Array.from(tf.sum(x, [0, 1]).dataSync())).to.deep.equal([40, 40, 40, 40]);
    x.dispose();
  });
});

describe('the wasm Add of a bias to every row', () => {
  runOn('wasm');

  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: 'feature maps + one bias per channel', a: [2, 5, 5, 6], b: [6] },
    { name: 'bias + rows (either order)', a: [7], b: [3, 7] },
    { name: 'a Dense layer\'s 32 × 10', a: [32, 10], b: [10] },
    { name: 'same shapes (the backend\'s kernel)', a: [4, 3], b: [4, 3] },
    { name: 'a column broadcast (the backend\'s kernel)', a: [4, 3], b: [4, 1] },
  ];
  for (const c of cases) {
    it(`equals the cpu backend's: ${c.name}`, async () => {
      const [va, vb] = [randomValues(c.a.reduce((x, y) => x * y), 12), randomValues(c.b.reduce((x, y) => x * y), 13)];
      const f = (): tf.Tensor => tf.tidy(() => tf.add(tf.tensor(va, c.a), tf.tensor(vb, c.b)));
      const wasm = await on('wasm', f);
      const cpu = await on('cpu', f);
      expect(wasm.shape).to.deep.equal(cpu.shape);
      expect(maxRelativeDifference(wasm.values, cpu.values)).to.equal(0);
    });
  }
});
