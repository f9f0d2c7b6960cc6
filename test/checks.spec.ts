import { expect } from 'chai';
import { createModel } from '../src/model';
import { prepareSamples } from '../src/prepare';
import {
  CheckFailed, checkConfusionMatrix, checkFirstPrediction, checkInputsPerImage, checkModel, checkNormalized, checkWeakestDigit, todo,
} from '../src/checks';
import * as tf from '@tensorflow/tfjs';

/** Runs a check and returns what it printed, or the hint it failed with. */
function run(check: () => void): { printed: string[]; hint?: string } {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try {
    check();
    return { printed };
  } catch (error) {
    expect(error).to.be.instanceOf(CheckFailed);
    return { printed, hint: (error as Error).message };
  } finally {
    console.log = log;
  }
}

const images = (count: number) => ({ images: new Uint8Array(784 * count).map((_, i) => i % 256), labels: new Uint8Array(count), count, rows: 28, cols: 28 });

describe('check: normalized pixels (step 2)', () => {
  it('passes rows of 784 values in [0, 1] with a ✓ line', () => {
    expect(run(() => checkNormalized(prepareSamples(images(3)))).printed).to.deep.equal(['✓ 3 images, each a row of 784 values in [0, 1]']);
  });
  it('refuses raw pixels, and the unanswered placeholder, with a hint', () => {
    expect(run(() => checkNormalized(prepareSamples(images(3), { normalize: false }))).hint).to.include('into [0, 1]: think about the largest value');
    expect(run(() => checkNormalized(todo())).hint).to.include('Step 2 needs the prepared samples');
  });
});

describe('check: inputs per image (question 3)', () => {
  it('passes 784 and refuses 28', () => {
    expect(run(() => checkInputsPerImage(784)).hint).to.equal(undefined);
    expect(run(() => checkInputsPerImage(28)).hint).to.include('every pixel of the 28×28 grid');
  });
});

describe('check: the model (step 4)', () => {
  it('passes the course model and refuses another size or a missing model', () => {
    const model = createModel();
    expect(run(() => checkModel(model)).printed[0]).to.include('101770 parameters');
    model.dispose();
    const small = createModel({ hidden: 64 });
    expect(run(() => checkModel(small)).hint).to.include('The model has 50890 parameters');
    small.dispose();
    expect(run(() => checkModel(todo())).hint).to.include('build it with createModel()');
  });
});

describe('check: the confusion matrix (step 7)', () => {
  const labels = [0, 1, 1];
  const right = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === 0 && p === 0 ? 1 : t === 1 && p === 2 ? 2 : 0)));
  it('passes rows that add up to each digit\'s count', () => {
    expect(run(() => checkConfusionMatrix(right, labels)).hint).to.equal(undefined);
  });
  it('refuses a transposed matrix and a wrong shape', () => {
    const transposed = right[0].map((_, c) => right.map((row) => row[c]));
    expect(run(() => checkConfusionMatrix(transposed, labels)).hint).to.include('which of the two label lists indexes the rows');
    expect(run(() => checkConfusionMatrix([[1]], labels)).hint).to.include('10 × 10 counts');
  });
});

describe('check: the prediction for test image 0 (step 8)', () => {
  const probabilities = [0, 0, 0, 0, 0, 0, 0, 0.9, 0.1, 0];
  it('passes digit 7 read with argmax from a (1, 784) input', () => {
    expect(run(() => checkFirstPrediction({ digit: 7, probabilities, inputShape: [1, 784] })).printed).to.deep.equal(['✓ test image 0 is a 7']);
  });
  it('refuses a wrong shape, a digit that is not the argmax, and no prediction', () => {
    expect(run(() => checkFirstPrediction({ digit: 7, probabilities, inputShape: [28, 28] })).hint).to.include('reshape the one image to (1, 784)');
    expect(run(() => checkFirstPrediction({ digit: 8, probabilities, inputShape: [1, 784] })).hint).to.include('argmax');
    expect(run(() => checkFirstPrediction(todo())).hint).to.include('10 probabilities');
  });
});

describe('check: the weakest digit (exercise 10, the guide\'s example)', () => {
  const matrix = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? (t === 4 ? 5 : 9) : p === 0 && t !== 0 ? 1 : 0)));
  it('passes the digit with the lowest recall', () => {
    expect(run(() => checkWeakestDigit(4, matrix)).printed[0]).to.match(/^✓ digit 4 has the lowest recall/);
  });
  it('refuses another digit and the unanswered placeholder with the hint about recall', () => {
    expect(run(() => checkWeakestDigit(0, matrix)).hint).to.include('lowest recall');
    expect(run(() => checkWeakestDigit(todo(), matrix)).hint).to.include('lowest recall');
  });
});

describe('check cells leave no tensors behind', () => {
  it('keeps the tensor count', () => {
    const before = tf.memory().numTensors;
    const model = createModel();
    run(() => checkModel(model));
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
