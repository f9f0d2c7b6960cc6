import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { isSliceView, wasmSliceInstalled } from '../../src/backend/wasm-slice';
import { watchReads } from '../support/backend-reads';
import { on, randomValues } from '../support/compare-backends';

describe('tf.slice on wasm: a contiguous slice is a view of its input, never a copy of it', () => {
  runOn('wasm');

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

  const backend = (): BackendWasm => tf.backend() as BackendWasm;

  it('shows the input\'s own memory: rows 10–29 of a matrix start 10 rows into it', () => {
    const x = tf.tensor2d(randomValues(100 * 8, 4), [100, 8]);
    const rows = tf.slice(x, [10, 0], [20, 8]);
    expect(isSliceView(backend(), rows.dataId)).to.equal(true);
    expect(backend().getMemoryOffset(rows.dataId)).to.equal(backend().getMemoryOffset(x.dataId) + 10 * 8 * 4);
    tf.dispose([x, rows]);
  });

  it('outlives its input: the memory is freed only when both are gone, in either order, views of views too', () => {
    const values = randomValues(100 * 8, 5);
    for (const order of ['input first', 'view first', 'view of a view']) {
      const ids = backend().numDataIds();
      const engineBuffers = tf.memory().numDataBuffers;
      const x = tf.tensor2d(values, [100, 8]);
      const rows = tf.slice(x, [10, 0], [20, 8]);
      const inner = order === 'view of a view' ? tf.slice(rows, [5, 0], [3, 8]) : undefined;
      if (order !== 'view first') x.dispose();
      // Memory freed by mistake would be handed to these and overwritten.
      const fillers = [tf.fill([100, 8], 7), tf.fill([20, 8], 9)];
      expect(Array.from(rows.dataSync()), order).to.deep.equal(Array.from(values.subarray(10 * 8, 30 * 8)));
      if (inner !== undefined) {
        rows.dispose();
        tf.dispose(tf.fill([20, 8], 3));
        expect(Array.from(inner.dataSync()), order).to.deep.equal(Array.from(values.subarray(15 * 8, 18 * 8)));
        inner.dispose();
      } else {
        rows.dispose();
      }
      if (order === 'view first') {
        expect(Array.from(x.dataSync())).to.deep.equal(Array.from(values));
        x.dispose();
      }
      tf.dispose(fillers);
      expect(backend().numDataIds(), order).to.equal(ids);
      // tfjs' engine counts the same buffers as the backend.
      expect(tf.memory().numDataBuffers - engineBuffers, order).to.equal(backend().numDataIds() - ids);
    }
  });

  it('lets model.fit hold back validation rows without copying the training images', async () => {
    const x = tf.tensor2d(randomValues(200 * 784, 6).map(Math.abs), [200, 784]);
    const y = tf.tensor1d(Array.from({ length: 200 }, (_, i) => i % 10), 'float32');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] });
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    // Each output's shape, and where in x it lies when it is made at an offset inside x (a view), else undefined.
    const sliced: { shape: number[]; rowsIntoX: number | undefined }[] = [];
    const start = backend().getMemoryOffset(x.dataId);
    const original = backend().makeOutput.bind(backend());
    const watch = backend() as unknown as { makeOutput: BackendWasm['makeOutput'] };
    watch.makeOutput = (shape, dtype, memoryOffset, values) => {
      const out = original(shape, dtype, memoryOffset, values);
      const inside = memoryOffset !== undefined && memoryOffset >= start && memoryOffset < start + 200 * 784 * 4;
      sliced.push({ shape, rowsIntoX: inside ? ((memoryOffset as number) - start) / (784 * 4) : undefined });
      return out;
    };
    try {
      await model.fit(x, y, { epochs: 1, batchSize: 50, validationSplit: 0.1, verbose: 0 });
    } finally {
      delete (watch as { makeOutput?: unknown }).makeOutput;
    }
    // The 180 training rows and the 20 validation rows are x's own memory, at rows 0 and 180.
    const views = sliced.filter((t) => t.shape[1] === 784 && t.rowsIntoX !== undefined).map((t) => [t.shape[0], t.rowsIntoX]);
    expect(views).to.deep.include.members([[180, 0], [20, 180]]);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });
});
