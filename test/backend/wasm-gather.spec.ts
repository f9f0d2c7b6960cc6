import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmGatherInstalled } from '../../src/backend/wasm-gather';
import { on, randomValues } from '../support/compare-backends';

describe('tf.gather of rows on wasm (how model.fit builds each batch)', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmGatherInstalled()).to.equal(true);
  });

  // Rows of matrices and image batches, repeated and reordered indices, none; and gathers along other axes.
  const CASES: { shape: number[]; indices: number[]; axis: number }[] = [
    { shape: [10, 6], indices: [3, 0, 9, 3], axis: 0 },
    { shape: [5, 4, 4, 1], indices: [4, 1], axis: 0 },
    { shape: [25], indices: [24, 0, 7], axis: 0 },
    { shape: [10, 6], indices: [], axis: 0 },
    { shape: [10, 6], indices: [5, 1], axis: 1 },
    { shape: [3, 4, 5], indices: [2, 0], axis: -1 },
  ];

  it('gives what the cpu backend gives, for floats, ints and booleans', async () => {
    for (const { shape, indices, axis } of CASES) {
      const n = shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const values = dtype === 'float32' ? randomValues(n, n) : randomValues(n, n).map((v) => (dtype === 'bool' ? Number(v > 0) : Math.round(v * 100)));
        const make = (): tf.Tensor => tf.tidy(() => tf.gather(tf.tensor(values, shape, dtype), tf.tensor1d(indices, 'int32'), axis));
        const fast = await on('wasm', make);
        const reference = await on('cpu', make);
        const what = JSON.stringify({ shape, indices, axis, dtype });
        expect(fast.shape, what).to.deep.equal(reference.shape);
        expect(Array.from(fast.values), what).to.deep.equal(Array.from(reference.values));
      }
    }
    await tf.setBackend('wasm');
  });

  it('refuses a row number outside the tensor, saying which, and leaks nothing', () => {
    const x = tf.tensor2d(randomValues(12, 1), [4, 3]);
    const indices = tf.tensor1d([1, 4], 'int32');
    const before = tf.engine().backend.numDataIds();
    expect(() => tf.gather(x, indices)).to.throw(/index value 4 is not in \[0, 3\]/);
    expect(tf.engine().backend.numDataIds()).to.equal(before);
    tf.dispose([x, indices]);
  });

  it('runs tfjs\' own kernel with MNIST_WASM_KERNELS=0 (same values)', () => {
    const x = tf.tensor2d(randomValues(40, 2), [8, 5]);
    const indices = tf.tensor1d([7, 2, 2], 'int32');
    const fast = tf.gather(x, indices);
    process.env.MNIST_WASM_KERNELS = '0';
    let stock: tf.Tensor;
    try {
      stock = tf.gather(x, indices);
    } finally {
      delete process.env.MNIST_WASM_KERNELS;
    }
    expect(Array.from(fast.dataSync())).to.deep.equal(Array.from(stock.dataSync()));
    tf.dispose([x, indices, fast, stock]);
  });
});

describe('tf.math.confusionMatrix on wasm (int32 matrix products)', () => {
  runOn('wasm');

  it('counts as the cpu backend does, kernels on or off', async () => {
    const labels = Array.from(randomValues(1000, 11), (v) => Math.floor((v + 1) * 5));
    const predictions = labels.map((l, i) => (i % 7 === 0 ? (l + 3) % 10 : l));
    const make = (): tf.Tensor => tf.tidy(() => tf.math.confusionMatrix(tf.tensor1d(labels, 'int32'), tf.tensor1d(predictions, 'int32'), 10));
    const reference = await on('cpu', make);
    const fast = await on('wasm', make);
    process.env.MNIST_WASM_KERNELS = '0';
    let off: Awaited<ReturnType<typeof on>>;
    try {
      off = await on('wasm', make);
    } finally {
      delete process.env.MNIST_WASM_KERNELS;
    }
    expect(fast.shape).to.deep.equal([10, 10]);
    expect(Array.from(fast.values)).to.deep.equal(Array.from(reference.values));
    expect(Array.from(off.values)).to.deep.equal(Array.from(reference.values));
    expect(Array.from(fast.values).reduce((a, b) => a + b, 0)).to.equal(1000);
  });

  it('multiplies int32 matrices with transposes and a broadcast batch as the cpu backend does', async () => {
    const a = Array.from(randomValues(2 * 3 * 4, 3), (v) => Math.round(v * 50));
    const b = Array.from(randomValues(4 * 5, 4), (v) => Math.round(v * 50));
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const make = (): tf.Tensor => tf.tidy(() => tf.matMul(
        tf.tensor3d(a, ta ? [2, 4, 3] : [2, 3, 4], 'int32'), tf.tensor3d(b, tb ? [1, 5, 4] : [1, 4, 5], 'int32'), ta, tb));
      const reference = await on('cpu', make);
      const fast = await on('wasm', make);
      expect(fast.shape).to.deep.equal(reference.shape);
      expect(Array.from(fast.values), `transposeA ${ta}, transposeB ${tb}`).to.deep.equal(Array.from(reference.values));
    }
    await tf.setBackend('wasm');
  });
});
