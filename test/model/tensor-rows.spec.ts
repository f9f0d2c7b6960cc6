/**
 * Reading rows of an image tensor as a model's input without a copy of the
 * whole tensor: on wasm from the backend's memory, elsewhere by tf.gather.
 * Both give the rows' own values, shaped for the model.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { createCnn } from '../../src/model/cnn';
import { gatheredRows, tensorRows } from '../../src/model/tensor-rows';
import { errorOf } from '../support/errors';
import { watchReads } from '../support/backend-reads';

describe('reading rows of an image tensor (tensorRows)', () => {
  const count = 20;
  const values = new Float32Array(count * 784).map((_, i) => ((i * 37) % 256) / 255);
  const rows = Int32Array.from([7, 0, 19, 7, 3]);
  /** The expected values: each asked row's 784 values, in the order asked. */
  const expected = (source: ArrayLike<number>): number[] => Array.from(rows).flatMap((r) => Array.from(source).slice(r * 784, (r + 1) * 784));

  for (const [name, read] of [['as the active backend does it', tensorRows], ['by tf.gather', (m: tf.LayersModel, x: tf.Tensor) => gatheredRows(m, x)]] as const) {
    it(`gives the asked rows' values, in their order, shaped for the model (${name})`, () => {
      const mlp = createModel({ seed: 1, hidden: 8 });
      const cnn = createCnn({ seed: 1, filters: [2, 3], hidden: 0 });
      const flat = tf.tensor2d(values, [count, 784]);
      const pictures = tf.tensor3d(Int32Array.from(values, (v) => Math.round(v * 255)), [count, 28, 28], 'int32');
      const before = tf.memory().numTensors;
      const reads = watchReads();
      const [forMlp, forCnn] = tf.tidy(() => [read(mlp, flat, 8)(rows), read(cnn, pictures, 8)(rows)].map((t) => t.clone()));
      reads.stop();
      // Only the 5 asked row numbers may be read back (tf.gather checks them), never the images.
      expect(reads.sizes.every((n) => n <= rows.length), `reads of ${reads.sizes.join(', ')} values`).to.equal(true);
      expect(forMlp.shape).to.deep.equal([5, 784]);
      expect(forMlp.dtype).to.equal('float32');
      expect(Array.from(forMlp.dataSync())).to.deep.equal(expected(values));
      expect(forCnn.shape).to.deep.equal([5, 28, 28, 1]);
      expect(forCnn.dtype).to.equal('float32');
      expect(Array.from(forCnn.dataSync())).to.deep.equal(expected(pictures.dataSync()));
      tf.dispose([forMlp, forCnn]);
      expect(tf.memory().numTensors).to.equal(before);
      tf.dispose([flat, pictures]);
      mlp.dispose();
      cnn.dispose();
    });
  }

  it('refuses images that do not fit the model, and more rows than it was made for', () => {
    const model = createModel({ seed: 1, hidden: 8 });
    const narrow = tf.zeros([count, 10]);
    expect(errorOf(() => tensorRows(model, narrow, 8))).to.include('takes 784 values per image').and.include('shape [20, 10]');
    expect(errorOf(() => gatheredRows(model, narrow))).to.include('shape [20, 10]');
    const x = tf.tensor2d(values, [count, 784]);
    if (tf.getBackend() === 'wasm') {
      expect(errorOf(() => tf.tidy(() => tensorRows(model, x, 2)(rows)))).to.include('5 rows at once').and.include('at most 2');
      expect(errorOf(() => tf.tidy(() => tensorRows(model, x, 8)(Int32Array.from([20]))))).to.include('Row 20 is not one of the tensor\'s 20 rows');
    }
    tf.dispose([narrow, x]);
    model.dispose();
  });
});
