/**
 * evaluate: the mean loss and accuracy of Samples, as tfjs' own
 * model.evaluate gives them for the same images as tensors, for the course
 * model and the CNN, in batches of any size.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import { createCnn } from '../../src/model/cnn';
import { inputTensor } from '../../src/model/model-input';
import { Samples } from '../../src/data/prepare';
import { evaluate } from '../../src/evaluate/evaluate';

/** 12 images of patterned pixels in [0, 1]; labels 0–9 then 0–1. */
function twelve(): Samples {
  const x = new Float32Array(12 * 784).map((_, i) => ((i * 37) % 101) / 100);
  return { x, y: new Uint8Array(12).map((_, i) => i % 10), count: 12, features: 784 };
}

function tfjsScore(model: tf.LayersModel, samples: Samples): { loss: number; accuracy: number } {
  return tf.tidy(() => {
    const x = inputTensor(model, samples.x, samples.count);
    const y = tf.tensor1d(samples.y, 'float32');
    const [loss, accuracy] = model.evaluate(x, y, { batchSize: 5 }) as tf.Scalar[];
    return { loss: loss.dataSync()[0], accuracy: accuracy.dataSync()[0] };
  });
}

describe('evaluating Samples (evaluate), as tfjs\' model.evaluate scores them', () => {
  for (const [name, make] of [
    ['the course model', () => createModel({ seed: 2, hidden: 8 })],
    ['the CNN', () => createCnn({ seed: 2, filters: [2, 3], hidden: 0 })],
  ] as const) {
    it(`gives model.evaluate's loss and accuracy for ${name}, in batches of any size, and frees its tensors`, () => {
      const model = make();
      const data = twelve();
      const reference = tfjsScore(model, data);
      const before = tf.memory().numTensors;
      for (const batch of [3, 7, 2500]) {
        const score = evaluate(model, data, batch);
        expect(score.loss, `batch ${batch}`).to.be.closeTo(reference.loss, 1e-5);
        expect(score.accuracy, `batch ${batch}`).to.be.closeTo(reference.accuracy, 1e-6);
      }
      expect(tf.memory().numTensors).to.equal(before);
      model.dispose();
    });
  }
});
