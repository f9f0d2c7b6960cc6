import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { replacePrevious } from '../../src/teaching/rerun';

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

describe('re-running the cell that builds a trained model', () => {
  it('says that the trained model is replaced by an untrained one, and says nothing when the model was not trained', async () => {
    const printed: string[] = [];
    const log = console.log;
    const x = tf.zeros([4, 784]);
    const y = tf.zeros([4]);
    try {
      console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
      const first = replacePrevious('spec-trained', createModel({ hidden: 4 }));
      replacePrevious('spec-trained', createModel({ hidden: 4 }));
      expect(printed).to.deep.equal([]);
      const second = replacePrevious('spec-trained', createModel({ hidden: 4 }));
      void first;
      await second.fit(x, y, { epochs: 1, verbose: 0 });
      replacePrevious('spec-trained', createModel({ hidden: 4 }));
      expect(printed.join('\n')).to.include("'spec-trained' now holds a new, untrained model").and.include('Train it again');
    } finally {
      console.log = log;
      replacePrevious('spec-trained', { dispose: () => undefined });
      tf.dispose([x, y]);
    }
  });
});
