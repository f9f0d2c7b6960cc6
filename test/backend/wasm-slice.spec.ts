import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/backend';
import { wasmSliceInstalled } from '../../src/backend/wasm-slice';
import { watchReads } from '../support/backend-reads';
import { on, randomValues } from '../support/compare-backends';

describe('tf.slice on wasm reads only the slice, not its whole input', () => {
  let backendBefore: string;
  before(async () => {
    backendBefore = tf.getBackend();
    await initBackend('wasm');
    await tf.setBackend('wasm');
  });
  after(async () => {
    await tf.setBackend(backendBefore);
  });

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmSliceInstalled()).to.equal(true);
  });

  // Contiguous (rows of a matrix, a run of a vector, one image of a batch) and not (columns, a window).
  const CASES: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [10, 6], begin: [3, 0], size: [4, -1] },
    { shape: [10, 6], begin: [9, 0], size: [1, 6] },
    { shape: [25], begin: [7], size: [11] },
    { shape: [5, 4, 4, 1], begin: [2, 0, 0, 0], size: [2, 4, 4, 1] },
    { shape: [3, 4, 5], begin: [1, 2, 0], size: [1, 2, 5] },
    { shape: [10, 6], begin: [0, 2], size: [10, 3] },
    { shape: [5, 4, 4, 1], begin: [1, 1, 1, 0], size: [2, 2, 2, 1] },
    { shape: [10, 6], begin: [4, 0], size: [0, 6] },
  ];

  it('gives what the cpu backend gives, for contiguous and other slices, floats and ints', async () => {
    for (const { shape, begin, size } of CASES) {
      const n = shape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'int32'] as const) {
        const values = dtype === 'int32' ? randomValues(n, n).map((v) => Math.round(v * 100)) : randomValues(n, n);
        const make = (): tf.Tensor => tf.tidy(() => tf.slice(tf.tensor(values, shape, dtype), begin, size));
        const fast = await on('wasm', make);
        const reference = await on('cpu', make);
        expect(fast.shape, JSON.stringify({ shape, begin, size })).to.deep.equal(reference.shape);
        expect(Array.from(fast.values), JSON.stringify({ shape, begin, size, dtype })).to.deep.equal(Array.from(reference.values));
      }
    }
    await tf.setBackend('wasm');
  });

  it('reads none of the input back into JavaScript for a batch of rows (model.predict batches so)', () => {
    const x = tf.tensor2d(randomValues(1000 * 784, 3), [1000, 784]);
    const reads = watchReads();
    let rows: tf.Tensor;
    try {
      rows = tf.slice(x, [32, 0], [32, 784]);
    } finally {
      reads.stop();
    }
    expect(reads.sizes, 'values read back from the backend').to.deep.equal([]);
    expect(Array.from(rows.dataSync().slice(0, 3))).to.deep.equal(Array.from(x.dataSync().slice(32 * 784, 32 * 784 + 3)));
    tf.dispose([x, rows]);
  });

  it('still slices strings the backend\'s way', () => {
    const s = tf.tensor1d(['a', 'b', 'c'], 'string');
    const t = tf.slice(s, [1], [2]);
    expect(t.arraySync()).to.deep.equal(['b', 'c']);
    tf.dispose([s, t]);
  });
});
