import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { todo } from '../../src/teaching/checks';
import { checkCnn, checkDropoutModel, checkMostConfusedPair } from '../../src/teaching/extension-checks';
import { createCnn } from '../../src/model/cnn';
import { createModel } from '../../src/model/model';
import type { Samples } from '../../src/data/prepare';
import { run } from '../support/check-output';


type LayerSpec = tf.layers.Layer;
const dense = (units: number, activation: 'relu' | 'softmax' | 'sigmoid' | 'linear', inputShape?: number[]): LayerSpec =>
  tf.layers.dense({ units, activation, ...(inputShape ? { inputShape } : {}) });

/** A tf.sequential of `layers`, compiled as given (the course's settings by default; null: not compiled). */
function built(layers: LayerSpec[], compile: tf.ModelCompileArgs | null = { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }): tf.Sequential {
  const model = tf.sequential({ layers });
  if (compile !== null) model.compile(compile);
  return model;
}

describe('check: a Dropout layer in the course model (improving the MLP)', () => {
  const models: tf.LayersModel[] = [];
  const keep = <M extends tf.LayersModel>(m: M): M => { models.push(m); return m; };
  after(() => models.forEach((m) => m.dispose()));
  const withDropout = (rate: number, compile?: tf.ModelCompileArgs | null): tf.Sequential =>
    keep(built([dense(128, 'relu', [784]), tf.layers.dropout({ rate }), dense(10, 'softmax')], compile));

  it('passes the course model with dropout 0.3 between its layers, written with tf.layers or by createModel', () => {
    expect(run(() => checkDropoutModel(withDropout(0.3))).printed).to.deep.equal([
      '✓ Dense → Dropout → Dense: dropout 0.3 between the hidden and the output layer, 101770 parameters, compiled like the course model',
    ]);
    expect(run(() => checkDropoutModel(keep(createModel({ dropout: 0.3 })))).hint).to.equal(undefined);
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' }))).hint).to.equal(undefined);
  });

  it('refuses the unanswered placeholder and the model without dropout', () => {
    expect(run(() => checkDropoutModel(todo())).hint).to.include('build it with tf.sequential');
    expect(run(() => checkDropoutModel(keep(createModel()))).hint).to.include('there is no Dropout layer yet');
  });

  it('refuses dropout in the wrong place: after the output, on the input pixels', () => {
    const afterOutput = keep(built([dense(128, 'relu', [784]), dense(10, 'softmax'), tf.layers.dropout({ rate: 0.3 })]));
    expect(run(() => checkDropoutModel(afterOutput)).hint).to.include('after the output layer');
    const onInputs = keep(built([tf.layers.dropout({ rate: 0.3, inputShape: [784] }), dense(128, 'relu'), dense(10, 'softmax')]));
    expect(run(() => checkDropoutModel(onInputs)).hint).to.include('drops input pixels');
  });

  it('refuses a rate given as a percentage, or as the share kept', () => {
    expect(run(() => checkDropoutModel(withDropout(0.7))).hint).to.include('the share that is dropped, not the share that is kept');
    expect(run(() => checkDropoutModel(withDropout(0.5))).hint).to.include('drop 30 %');
    // tfjs refuses a rate of 30 itself; the check still explains it if a model carries one.
    const percent = withDropout(0.3);
    (percent.layers[1] as unknown as { rate: number }).rate = 30;
    expect(run(() => checkDropoutModel(percent)).hint).to.include('fraction between 0 and 1, not a percentage');
  });

  it('refuses a changed course model: other hidden units, a sigmoid output, another input size', () => {
    const hidden = keep(built([dense(64, 'relu', [784]), tf.layers.dropout({ rate: 0.3 }), dense(10, 'softmax')]));
    expect(run(() => checkDropoutModel(hidden)).hint).to.include('128 relu units');
    const sigmoid = keep(built([dense(128, 'relu', [784]), tf.layers.dropout({ rate: 0.3 }), dense(10, 'sigmoid')]));
    expect(run(() => checkDropoutModel(sigmoid)).hint).to.include('must add up to 1');
    const pictures = keep(built([dense(128, 'relu', [28, 28]), tf.layers.dropout({ rate: 0.3 }), dense(10, 'softmax')]));
    expect(run(() => checkDropoutModel(pictures)).hint).to.include('one row of 784 pixels');
  });

  it('refuses a model that is not compiled, or compiled otherwise than the course', () => {
    expect(run(() => checkDropoutModel(withDropout(0.3, null))).hint).to.include('not compiled yet');
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' }))).hint).to.include('the course trains with Adam');
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' }))).hint).to.include('learning rate is 0.01');
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: 'adam', loss: 'categoricalCrossentropy' }))).hint).to.include('it expects one-hot rows, but the labels are whole class numbers 0–9');
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: 'adam', loss: 'meanSquaredError' }))).hint).to.include('loss is meanSquaredError');
  });
});

describe('check: the small CNN', () => {
  const models: tf.LayersModel[] = [];
  const keep = <M extends tf.LayersModel>(m: M): M => { models.push(m); return m; };
  after(() => models.forEach((m) => m.dispose()));
  /** The table's CNN, with one layer replaced (by index) or left out (null). */
  function cnn(changes: Record<number, LayerSpec | null> = {}, compile?: tf.ModelCompileArgs | null, inputShape = [28, 28, 1]): tf.Sequential {
    const layers: (LayerSpec | null)[] = [
      tf.layers.conv2d({ inputShape, filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      dense(128, 'relu'),
      dense(10, 'softmax'),
    ];
    for (const [i, layer] of Object.entries(changes)) layers[Number(i)] = layer;
    return keep(built(layers.filter((l): l is LayerSpec => l !== null), compile));
  }

  it('passes the table\'s network written with tf.layers, and createCnn()', () => {
    expect(run(() => checkCnn(cnn())).printed).to.deep.equal([
      '✓ Conv2D → MaxPooling2D → Conv2D → MaxPooling2D → Flatten → Dense → Dense: 28×28×1 in, 10 probabilities out, 225034 parameters, compiled like the course model',
    ]);
    expect(run(() => checkCnn(keep(createCnn()))).hint).to.equal(undefined);
  });

  it('refuses the placeholder and the course\'s Dense model', () => {
    expect(run(() => checkCnn(todo())).hint).to.include('tf.layers (conv2d, maxPooling2d, flatten, dense)');
    expect(run(() => checkCnn(keep(createModel()))).hint).to.include('A convolution reads a picture');
  });

  it('refuses a colour input shape', () => {
    expect(run(() => checkCnn(cnn({}, undefined, [28, 28, 3]))).hint).to.include('channels');
  });

  it('refuses Dense layers on unflattened maps (tfjs builds that model without complaint)', () => {
    expect(run(() => checkCnn(cnn({ 4: null }))).hint).to.include('become one row of values per image first');
  });

  it('refuses missing pooling, wrong kernels, filters, activations or output', () => {
    expect(run(() => checkCnn(cnn({ 3: null }))).hint).to.include('the table above lists');
    expect(run(() => checkCnn(cnn({ 0: tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, activation: 'relu' }) }))).hint).to.include('Layer 1 (Conv2D) has kernelSize [5,5]');
    expect(run(() => checkCnn(cnn({ 2: tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }) }))).hint).to.include('Layer 3 (Conv2D) has filters 32');
    expect(run(() => checkCnn(cnn({ 2: tf.layers.conv2d({ filters: 64, kernelSize: 3 }) }))).hint).to.include('has activation "linear"');
    expect(run(() => checkCnn(cnn({ 6: dense(10, 'sigmoid') }))).hint).to.include('Layer 7 (Dense) has activation "sigmoid"');
    expect(run(() => checkCnn(cnn({ 0: tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }) }))).hint).to.include('shrinks each side by 2');
  });

  it('refuses a CNN compiled otherwise than the course model', () => {
    expect(run(() => checkCnn(cnn({}, null))).hint).to.include('The CNN is not compiled yet');
    expect(run(() => checkCnn(cnn({}, { optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' }))).hint).to.include('RMSProp');
  });
});

describe('check: the pair of classes the model confuses most (Fashion-MNIST)', () => {
  // Three classes and one-hot inputs: the model below predicts the class of the hot input, so the
  // samples spell out its confusion matrix: rows are truths, columns predictions.
  const cells: [number, number, number][] = [[0, 0, 8], [0, 2, 5], [1, 1, 10], [1, 0, 3], [2, 2, 9], [2, 0, 2]];
  const rows = cells.flatMap(([truth, predicted, n]) => Array.from({ length: n }, () => [truth, predicted]));
  const test: Samples = {
    x: Float32Array.from(rows.flatMap(([, predicted]) => [0, 1, 2].map((c) => (c === predicted ? 1 : 0)))),
    y: Uint8Array.from(rows.map(([truth]) => truth)),
    count: rows.length,
    features: 3,
  };
  let model: tf.Sequential;
  let other: tf.Sequential;
  before(() => {
    const make = (kernel: number[][]): tf.Sequential => {
      const m = built([tf.layers.dense({ inputShape: [3], units: 3, activation: 'softmax' })]);
      m.layers[0].setWeights([tf.tensor2d(kernel), tf.zeros([3])]);
      return m;
    };
    model = make([[10, 0, 0], [0, 10, 0], [0, 0, 10]]);
    // Another model: it takes every "2" input for a 1.
    other = make([[10, 0, 0], [0, 10, 0], [0, 10, 0]]);
  });
  after(() => {
    model.dispose();
    other.dispose();
  });

  it('passes the largest count off the diagonal of the model\'s own confusion matrix, and frees its tensors', () => {
    const before = tf.memory().numTensors;
    expect(run(() => checkMostConfusedPair({ truth: 0, predicted: 2 }, model, test, ['Top', 'Trouser', 'Shirt'])).printed)
      .to.deep.equal(['✓ Top (0) taken for Shirt (2): 5 of the 37 test images, the most frequent confusion']);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses the placeholder, class names instead of numbers, and numbers out of range', () => {
    expect(run(() => checkMostConfusedPair(todo(), model, test)).hint).to.include('a pair of class numbers, { truth, predicted }');
    expect(run(() => checkMostConfusedPair({ truth: 'Top', predicted: 'Shirt' }, model, test)).hint).to.include('a pair of class numbers');
    expect(run(() => checkMostConfusedPair({ truth: 0, predicted: 10 }, model, test)).hint).to.include('numbered 0 to 2');
  });

  it('refuses the largest cell of all, which sits on the diagonal', () => {
    expect(run(() => checkMostConfusedPair({ truth: 1, predicted: 1 }, model, test)).hint).to.include('on the diagonal: those images were classified correctly');
  });

  it('refuses the pair read the wrong way round (column as truth)', () => {
    expect(run(() => checkMostConfusedPair({ truth: 2, predicted: 0 }, model, test)).hint).to.include('which of the two is the row (the true class)');
  });

  it('refuses a smaller confusion, and the answer of another model', () => {
    expect(run(() => checkMostConfusedPair({ truth: 1, predicted: 0 }, model, test)).hint).to.include('largest count off the diagonal');
    // The pair that is right for `model` is wrong for `other`: the check reads the model's own predictions.
    expect(run(() => checkMostConfusedPair({ truth: 0, predicted: 2 }, other, test)).hint).to.include('0 times');
    expect(run(() => checkMostConfusedPair({ truth: 2, predicted: 1 }, other, test)).hint).to.equal(undefined);
  });
});
