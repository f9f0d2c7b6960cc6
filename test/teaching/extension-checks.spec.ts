import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { todo } from '../../src/teaching/checks';
import { checkCnn, checkDropoutModel, checkMostConfusedPair } from '../../src/teaching/extension-checks';
import { createCnn } from '../../src/model/cnn';
import { createModel } from '../../src/model/model';
import type { Samples } from '../../src/data/prepare';
import { run } from '../support/check-output';
import { CONFUSED_PAIR_MATRICES, pairReadings } from '../../src/teaching/matrix-exercises';


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
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] }))).hint).to.equal(undefined);
    // The same network with an InputLayer and the activations as layers of their own.
    const written = keep(built([tf.layers.inputLayer({ inputShape: [784] }), dense(128, 'linear'), tf.layers.reLU(), tf.layers.dropout({ rate: 0.3 }),
      dense(10, 'linear'), tf.layers.activation({ activation: 'softmax' })]));
    expect(run(() => checkDropoutModel(written)).hint).to.equal(undefined);
  });

  it('refuses a model compiled without the accuracy metric, as the workbook\'s model check does', () => {
    expect(run(() => checkDropoutModel(withDropout(0.3, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' }))).hint)
      .to.include('compiled with no metric').and.include('accuracy');
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
    // tfjs turns a rate above 1 into 1 where it does accept it: the hint says what that means.
    const all = withDropout(0.3);
    (all.layers[1] as unknown as { rate: number }).rate = 1;
    expect(run(() => checkDropoutModel(all)).hint).to.include('A rate of 1 would drop every output').and.include('not a percentage');
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
    expect(run(() => checkCnn(cnn({}, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' }))).hint).to.include('The CNN is compiled with no metric');
  });

  it('passes the table\'s network with an InputLayer and its activations as layers of their own', () => {
    const written = keep(built([tf.layers.inputLayer({ inputShape: [28, 28, 1] }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3 }), tf.layers.activation({ activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: [2, 2] }),
      tf.layers.flatten(), dense(128, 'relu'), dense(10, 'linear'), tf.layers.softmax()]));
    expect(run(() => checkCnn(written)).hint).to.equal(undefined);
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

  type Pair = { truth: number; predicted: number };
  const largestOff = (m: number[][]): Pair => {
    let best = { truth: 0, predicted: 1, count: -1 };
    m.forEach((row, truth) => row.forEach((count, predicted) => {
      if (truth !== predicted && count > best.count) best = { truth, predicted, count };
    }));
    return { truth: best.truth, predicted: best.predicted };
  };
  const hint = (fn: unknown, on: tf.LayersModel = model) => run(() => checkMostConfusedPair(fn, on, test, ['Top', 'Trouser', 'Shirt'])).hint;
  const rowSum = (row: number[]): number => row.reduce((a, b) => a + b, 0);

  it('the matrices it is tried on tell the tempting wrong methods apart', () => {
    for (const m of CONFUSED_PAIR_MATRICES) {
      const r = pairReadings(m);
      const key = (p: [number, number]): string => p.join(',');
      for (const wrong of ['swapped', 'rowWithMostMistakes', 'columnWithMostWrongGuesses', 'largestShareOfRow']) expect(key(r[wrong]), wrong).to.not.equal(key(r.largestMistake));
      expect([...r.largestBothWays].sort().join(), 'largestBothWays').to.not.equal([...r.largestMistake].sort().join());
    }
  });

  it('passes a function that finds the largest count off the diagonal, however it is written, and frees its tensors', () => {
    const before = tf.memory().numTensors;
    expect(run(() => checkMostConfusedPair(largestOff, model, test, ['Top', 'Trouser', 'Shirt'])).printed)
      .to.deep.equal(['✓ Top (0) taken for Shirt (2): 5 of the 37 test images, the most frequent confusion; mostFrequentMistake also finds it on 2 other matrices']);
    const byFlatMap = (m: number[][]): Pair => m.flatMap((row, truth) => row.map((count, predicted) => ({ truth, predicted, count })))
      .filter((c) => c.truth !== c.predicted).reduce((a, b) => (b.count > a.count ? b : a));
    const bySort = (m: number[][]): Pair => m.flatMap((row, truth) => row.map((count, predicted) => ({ truth, predicted, count })))
      .filter((c) => c.truth !== c.predicted).sort((a, b) => b.count - a.count)[0];
    expect(hint(byFlatMap)).to.equal(undefined);
    expect(hint(bySort)).to.equal(undefined);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses the placeholder, a pair typed in, a function that returns class names or numbers out of range', () => {
    expect(hint(todo())).to.include('needs a function mostFrequentMistake(m: number[][])');
    expect(hint({ truth: 0, predicted: 2 })).to.include('mostFrequentMistake is a value').and.include('a function');
    expect(hint(() => todo())).to.include('mostFrequentMistake gives no answer yet');
    expect(hint(() => ({ truth: 'Top', predicted: 'Shirt' }))).to.include('a pair of class numbers');
    expect(hint(() => ({ truth: 0, predicted: 10 }))).to.include('numbered 0 to');
    expect(hint(() => { throw new Error('boom'); })).to.include('threw "boom"');
  });

  it('refuses the largest cell of all, which sits on the diagonal', () => {
    expect(hint((m: number[][]) => {
      const flat = m.flat();
      const i = flat.indexOf(Math.max(...flat));
      return { truth: Math.floor(i / m.length), predicted: i % m.length };
    })).to.include('on the diagonal: those images were classified correctly');
  });

  it('refuses each tempting wrong method with the hint for it', () => {
    expect(hint((m: number[][]) => { const p = largestOff(m); return { truth: p.predicted, predicted: p.truth }; })).to.include('the wrong way round');
    const byRow = (m: number[][]): Pair => {
      const mistakes = m.map((row, d) => rowSum(row) - row[d]);
      const truth = mistakes.indexOf(Math.max(...mistakes));
      const off = m[truth].map((n, p) => (p === truth ? -1 : n));
      return { truth, predicted: off.indexOf(Math.max(...off)) };
    };
    expect(hint(byRow)).to.include('the class with the most mistakes, then that row');
    const byColumn = (m: number[][]): Pair => {
      const wrong = m.map((_, p) => rowSum(m.map((r) => r[p])) - m[p][p]);
      const predicted = wrong.indexOf(Math.max(...wrong));
      const off = m.map((r, t) => (t === predicted ? -1 : r[predicted]));
      return { truth: off.indexOf(Math.max(...off)), predicted };
    };
    expect(hint(byColumn)).to.include('the column with the most wrong guesses');
    const bothWays = (m: number[][]): Pair => {
      let best: Pair = { truth: 0, predicted: 1 };
      for (let a = 0; a < m.length; a++) for (let b = a + 1; b < m.length; b++) if (m[a][b] + m[b][a] > m[best.truth][best.predicted] + m[best.predicted][best.truth]) best = { truth: a, predicted: b };
      return best;
    };
    expect(hint(bothWays)).to.include('adds the two directions');
    const share = (m: number[][]): Pair => {
      let best: Pair = { truth: 0, predicted: 1 };
      m.forEach((row, t) => row.forEach((n, p) => { if (t !== p && n / rowSum(row) > m[best.truth][best.predicted] / rowSum(m[best.truth])) best = { truth: t, predicted: p }; }));
      return best;
    };
    expect(hint(share)).to.include('as shares of their row');
    expect(hint(() => ({ truth: 0, predicted: 2 }))).to.include('the same pair whatever the matrix');
  });

  it('reads the model\'s own predictions: the right function passes for another model too, a pair fixed for this one does not', () => {
    expect(hint(largestOff, other)).to.equal(undefined);
    expect(hint((m: number[][]) => (m.length === 3 ? { truth: 0, predicted: 2 } : largestOff(m)), other)).to.include('0 times');
  });
});
