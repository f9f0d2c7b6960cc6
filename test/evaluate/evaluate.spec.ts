/**
 * evaluateRows: the score of rows of an image tensor, as evaluate gives it
 * for the same images as Samples (fit's validationSplit on tensors uses it).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { createCnn } from '../../src/model/cnn';
import { Samples } from '../../src/data/prepare';
import { evaluate, evaluateRows } from '../../src/evaluate/evaluate';
import { errorOf } from '../support/errors';

/** 12 images of patterned pixels in [0, 1]; labels 0–9 then 0–1. */
function twelve(): Samples {
  const x = new Float32Array(12 * 784).map((_, i) => ((i * 37) % 101) / 100);
  return { x, y: new Uint8Array(12).map((_, i) => i % 10), count: 12, features: 784 };
}

describe('evaluating rows of an image tensor (evaluateRows)', () => {
  const data = twelve();
  /** Rows 5–11 as Samples. */
  const rows = (): Samples => ({ x: data.x.subarray(5 * 784), y: data.y.subarray(5), count: 7, features: 784 });

  it('scores rows 5–11 as evaluate scores them as Samples, in batches of any size', () => {
    const model = createModel({ seed: 2, hidden: 8 });
    const x = tf.tensor2d(data.x, [12, 784]);
    const before = tf.memory().numTensors;
    const reference = evaluate(model, rows());
    for (const batch of [3, 7, 2500]) {
      const score = evaluateRows(model, x, 5, data.y.subarray(5), batch);
      expect(score.loss, `batch ${batch}`).to.be.closeTo(reference.loss, 1e-6);
      expect(score.accuracy, `batch ${batch}`).to.equal(reference.accuracy);
    }
    // Not the score of other rows: the first 7 score differently.
    expect(evaluateRows(model, x, 0, data.y.subarray(5)).loss).not.to.be.closeTo(reference.loss, 1e-6);
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
    model.dispose();
  });

  it('reshapes the rows for a CNN: [n, 28, 28] images score as their flat Samples', () => {
    const model = createCnn({ seed: 2, filters: [2, 3], hidden: 0 });
    const x = tf.tensor3d(data.x, [12, 28, 28]);
    const score = evaluateRows(model, x, 5, data.y.subarray(5), 4);
    const reference = evaluate(model, rows());
    expect(score.loss).to.be.closeTo(reference.loss, 1e-6);
    expect(score.accuracy).to.equal(reference.accuracy);
    x.dispose();
    model.dispose();
  });

  it('refuses rows the tensor does not have, and images of the wrong size', () => {
    const model = createModel({ seed: 2, hidden: 8 });
    const x = tf.tensor2d(data.x, [12, 784]);
    expect(errorOf(() => evaluateRows(model, x, 10, data.y.subarray(5)))).to.include('rows 10 to 16 of the images, but the tensor has 12 rows');
    const narrow = tf.zeros([12, 10]);
    expect(errorOf(() => evaluateRows(model, narrow, 0, data.y))).to.include('takes 784 values per image').and.include('shape [12, 10]');
    tf.dispose([x, narrow]);
    model.dispose();
  });
});
