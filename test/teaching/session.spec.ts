import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { replacePrevious } from '../../src/teaching/session';

describe('re-running a notebook cell', () => {
  it('frees the previous run\'s model under the same name, and only that one', () => {
    const before = tf.memory().numTensors;
    const first = replacePrevious('spec-model', createModel());
    const other = replacePrevious('spec-other', createModel());
    const afterTwo = tf.memory().numTensors;
    replacePrevious('spec-model', createModel());
    expect(tf.memory().numTensors).to.equal(afterTwo);
    expect(() => tf.tidy(() => first.predict(tf.zeros([1, 784])))).to.throw(/disposed/i);
    expect(tf.tidy(() => (other.predict(tf.zeros([1, 784])) as tf.Tensor).shape)).to.deep.equal([1, 10]);
    replacePrevious('spec-model', { dispose: () => undefined });
    replacePrevious('spec-other', { dispose: () => undefined });
    expect(tf.memory().numTensors).to.equal(before);
  });
});
