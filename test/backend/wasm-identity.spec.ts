import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmIdentityInstalled } from '../../src/backend/wasm-identity';

describe('tf.clone on wasm shares the buffer instead of copying it', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmIdentityInstalled()).to.equal(true);
  });

  it('keeps the values when the original is freed, and frees the buffer with the last holder', () => {
    const buffers = tf.engine().backend.numDataIds();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    expect(tf.engine().backend.numDataIds()).to.equal(buffers + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).to.deep.equal([1, 2, 3]);
    b.dispose();
    expect(tf.engine().backend.numDataIds()).to.equal(buffers);
  });

  it('keeps a clone of a weight as it was while the variable moves on', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const kept = tf.clone(w);
    w.assign(tf.tensor1d([5, 6]));
    expect(Array.from(kept.dataSync())).to.deep.equal([1, 2]);
    expect(Array.from(w.dataSync())).to.deep.equal([5, 6]);
    tf.dispose([w, kept]);
  });

  it('still copies strings the backend\'s way', () => {
    const s = tf.tensor1d(['a', 'b'], 'string');
    const c = tf.clone(s);
    s.dispose();
    expect(c.arraySync()).to.deep.equal(['a', 'b']);
    c.dispose();
  });
});
