/**
 * The workbook's checks, fed the right answer and the tempting wrong ones:
 * each wrong answer must fail with a hint that points at what is wrong
 * without giving the solution away.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../src/model/model';
import {
  checkConfusionMatrix, checkFirstPrediction, checkInputsPerImage, checkModel, checkNormalized, checkReshaped,
  checkTraining, checkWeakestDigit, todo,
} from '../../src/teaching/checks';
import { confusionMatrix } from '../../src/evaluate/metrics';
import { run } from '../support/check-output';
import { watchReads } from '../support/backend-reads';


/** `count` generated images: every pixel value 0–255 occurs, and each image has some full ink (255). */
const raw = (count: number, offset = 0) => ({
  images: new Uint8Array(784 * count).map((_, i) => ((i * 7 + offset) % 256)),
  labels: new Uint8Array(count).map((_, i) => i % 10),
  count,
});

describe('check: normalized pixels (step 2)', () => {
  const data = { train: raw(6), test: raw(3, 5) };
  const tensor = (set: { images: Uint8Array; count: number }, divisor: number, shape: number[] = [set.count, 784]) =>
    tf.tidy(() => tf.tensor(set.images, shape, 'float32').div(divisor));
  const hint = (xTrain: unknown, xTest: unknown) => run(() => checkNormalized(xTrain, xTest, data)).hint;
  let right: tf.Tensor[];
  before(() => { right = [tensor(data.train, 255), tensor(data.test, 255)]; });
  after(() => tf.dispose(right));

  it('passes both sets divided by 255, printing their shapes and means', () => {
    const result = run(() => checkNormalized(right[0], right[1], data));
    expect(result.hint).to.equal(undefined);
    expect(result.printed[0]).to.match(/^✓ xTrain \[6, 784\] and xTest \[3, 784\]: every pixel divided by 255, values in \[0, 1\], means 0\.\d{4} and 0\.\d{4}$/);
  });

  it('refuses the unanswered placeholder, asking for a tensor', () => {
    expect(hint(todo(), todo())).to.include('Step 2 needs xTrain as a tensor');
  });

  it('refuses raw 0–255 pixels', () => {
    const rawTrain = tensor(data.train, 1);
    expect(hint(rawTrain, right[1])).to.include('(the raw 0–255 pixels)').and.include('into [0, 1]');
    rawTrain.dispose();
  });

  it('refuses /256 and /128: a pixel of 255 must become exactly 1', () => {
    const by256 = tensor(data.train, 256);
    const by128 = tensor(data.train, 128);
    expect(hint(by256, right[1])).to.include('largest value is 0.9961').and.include('should become exactly 1');
    expect(hint(by128, right[1])).to.include('run from 0 to 1.992').and.include('into [0, 1]');
    tf.dispose([by256, by128]);
  });

  it('refuses a test set left unnormalized, saying the test images need the same preparation', () => {
    const rawTest = tensor(data.test, 1);
    const h = hint(right[0], rawTest);
    expect(h).to.include("xTest's values run from 0 to 255").and.include('prepared exactly like the training images');
    rawTest.dispose();
  });

  it('refuses images left as 28×28 grids, and whole-number (int32) division', () => {
    const grids = tensor(data.train, 255, [6, 28, 28]);
    expect(hint(grids, right[1])).to.include('shape [6, 28, 28]').and.include('one row of 784 values');
    const ints = tf.tidy(() => tf.tensor2d(data.train.images, [6, 784], 'int32').div(tf.scalar(255, 'int32')));
    expect(hint(ints, right[1])).to.include('int32').and.include('fractions');
    tf.dispose([grids, ints]);
  });

  it('reads a large set back in pieces, not as a second whole copy, and still finds one wrong image in the last piece', () => {
    const big = { train: raw(4100), test: raw(3, 5) };
    const [xTrain, xTest] = [tensor(big.train, 255), tensor(big.test, 255)];
    const reads = watchReads();
    let passed: ReturnType<typeof run>;
    try {
      passed = run(() => checkNormalized(xTrain, xTest, big));
    } finally {
      reads.stop();
    }
    expect(passed.hint).to.equal(undefined);
    expect(Math.max(...reads.sizes), 'the largest read, in values').to.be.at.most(4096 * 784);
    // The last image scaled by 256 instead of 255: only the second piece shows it.
    const lastWrong = tf.tidy(() => tf.concat([tf.slice(xTrain, [0, 0], [4099, 784]), tf.slice(xTrain, [4099, 0], [1, 784]).mul(255 / 256)]));
    expect(run(() => checkNormalized(lastWrong, xTest, big)).hint).to.include('not each pixel divided by 255');
    tf.dispose([xTrain, xTest, lastWrong]);
  });

  it('refuses values in [0, 1] that are not each pixel / 255 (shuffled, or min–max scaled per image)', () => {
    const reversed = tf.tidy(() => tf.reverse(right[0], 0));
    expect(hint(reversed, right[1])).to.include('not each pixel divided by 255');
    tf.dispose(reversed);
  });

  it('never gives the solution away', () => {
    for (const h of [hint(todo(), todo())]) expect(h).not.to.match(/div\(|\/ ?255|tensor2d\(/);
  });
});

describe('check: inputs per image (question 3)', () => {
  it('passes 784 and refuses 28, 28 × 28 × 3 and a string', () => {
    expect(run(() => checkInputsPerImage(784)).hint).to.equal(undefined);
    for (const wrong of [28, 2352, '784', todo()]) expect(run(() => checkInputsPerImage(wrong)).hint).to.include('every pixel of the 28×28 grid');
  });
});

describe('check: the model (step 4)', () => {
  type Layer = { units: number; activation?: 'relu' | 'softmax' | 'sigmoid' | 'linear'; inputShape?: number[] };
  const build = (layers: Layer[], compile?: tf.ModelCompileArgs): tf.Sequential => {
    const model = tf.sequential({ layers: layers.map((l) => tf.layers.dense(l)) });
    if (compile !== undefined) model.compile(compile);
    return model;
  };
  const course: Layer[] = [{ inputShape: [784], units: 128, activation: 'relu' }, { units: 10, activation: 'softmax' }];
  const compile = (over: Partial<tf.ModelCompileArgs> = {}): tf.ModelCompileArgs =>
    ({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], ...over });
  const hintFor = (layers: Layer[], args?: tf.ModelCompileArgs): string | undefined => {
    const model = build(layers, args);
    try {
      return run(() => checkModel(model)).hint;
    } finally {
      model.dispose();
      (args?.optimizer as tf.Optimizer | undefined)?.dispose?.();
    }
  };

  it('passes the course model built with tf.sequential, and createModel()', () => {
    expect(hintFor(course, compile())).to.equal(undefined);
    const model = createModel();
    expect(run(() => checkModel(model)).printed[0]).to.include('Dense(128, relu) on 784 inputs → Dense(10, softmax)').and.include('101770 parameters');
    model.dispose();
  });

  it('refuses a sigmoid output and an output without activation (same parameter count)', () => {
    expect(hintFor([course[0], { units: 10, activation: 'sigmoid' }], compile())).to.include("The output layer has the activation 'sigmoid'").and.include('add up to 1');
    expect(hintFor([course[0], { units: 10 }], compile())).to.include('The output layer has no activation (linear)');
  });

  it('refuses a hidden layer without ReLU', () => {
    expect(hintFor([{ inputShape: [784], units: 128, activation: 'sigmoid' }, course[1]], compile())).to.include('The first (hidden) layer has the activation').and.include('ReLU');
  });

  it('refuses wrong sizes: 64 hidden units, 1 output, a 28-value input, a missing layer', () => {
    expect(hintFor([{ ...course[0], units: 64 }, course[1]], compile())).to.include('The first (hidden) layer has 64 units');
    expect(hintFor([course[0], { units: 1, activation: 'softmax' }], compile())).to.include('The output layer has 1 units').and.include('one neuron per digit');
    expect(hintFor([{ ...course[0], inputShape: [28] }, course[1]], compile())).to.include('inputs of shape [28]').and.include('784');
    expect(hintFor([{ inputShape: [784], units: 10, activation: 'softmax' }], compile())).to.include('has 1 layer(s)');
  });

  it('refuses a model that is not compiled, SGD, a learning rate of 0.01, the wrong loss, no accuracy metric', () => {
    expect(hintFor(course)).to.include('not compiled');
    expect(hintFor(course, compile({ optimizer: tf.train.sgd(0.001) }))).to.include('the SGD optimizer').and.include('Adam');
    expect(hintFor(course, compile({ optimizer: tf.train.adam(0.01) }))).to.include('learning rate is 0.01');
    expect(hintFor(course, compile({ loss: 'categoricalCrossentropy' }))).to.include('expects one-hot rows');
    expect(hintFor(course, compile({ loss: 'meanSquaredError' }))).to.include("The model's loss is meanSquaredError");
    expect(hintFor(course, compile({ metrics: [] }))).to.include('no metric').and.include('accuracy');
  });

  it('refuses the unanswered placeholder, pointing to the API docs, not to a helper', () => {
    const h = run(() => checkModel(todo())).hint;
    expect(h).to.include('Step 4 needs a model').and.include('TensorFlow.js API docs');
    expect(h).not.to.include('createModel');
  });
});

describe('check: training (step 5)', () => {
  const history = (epochs: number, params: Record<string, number>, validated = true) => ({
    epoch: [...Array(epochs).keys()],
    history: { loss: new Array(epochs).fill(0.1), accuracy: new Array(epochs).fill(0.9), ...(validated ? { val_accuracy: new Array(epochs).fill(0.9) } : {}) },
    params,
  });
  const course = { epochs: 5, batchSize: 32, samples: 54000, validationSamples: 6000 };

  it('passes 5 epochs of batches of 32 with the last 10 % held back', () => {
    expect(run(() => checkTraining(history(5, course))).printed).to.deep.equal(['✓ 5 epochs in batches of 32 on 54000 images, validated on the last 6000']);
  });

  it('refuses 1 epoch, batches of 64, no validation, a 20 % split, and no History', () => {
    expect(run(() => checkTraining(history(1, course))).hint).to.include('trained for 1 epoch(s)');
    expect(run(() => checkTraining(history(5, { ...course, batchSize: 64 }))).hint).to.include('hold 64 images');
    expect(run(() => checkTraining(history(5, { ...course, validationSamples: 0 }, false))).hint).to.include('No images were held back');
    expect(run(() => checkTraining(history(5, { ...course, samples: 48000, validationSamples: 12000 }))).hint).to.include('20.0 %');
    expect(run(() => checkTraining(todo())).hint).to.include('Step 5 needs the History');
  });

  it('passes the History of tfjs\' own model.fit with the course\'s arguments, and refuses it without validation', async () => {
    const model = createModel({ hidden: 4 });
    const x = tf.randomUniform([50, 784], 0, 1, 'float32', 2);
    const y = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 10), 'float32');
    const own = await model.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.1, verbose: 0 });
    expect(run(() => checkTraining(own)).printed[0]).to.match(/^✓ 5 epochs in batches of 32/);
    const unvalidated = await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0 });
    expect(run(() => checkTraining(unvalidated)).hint).to.include('No images were held back');
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('check: the confusion matrix from the model\'s own predictions (step 7)', () => {
  let model: tf.Sequential;
  let xTest: tf.Tensor2D;
  let yTest: tf.Tensor1D;
  let predicted: Int32Array;
  const labels = Array.from({ length: 60 }, (_, i) => i % 10);
  before(() => {
    model = createModel({ seed: 7 });
    xTest = tf.randomUniform([60, 784], 0, 1, 'float32', 3) as tf.Tensor2D;
    yTest = tf.tensor1d(labels, 'float32');
    predicted = tf.tidy(() => (model.predict(xTest) as tf.Tensor).argMax(1).dataSync() as Int32Array);
  });
  after(() => {
    tf.dispose([xTest, yTest]);
    model.dispose();
  });
  const hint = (matrix: unknown) => run(() => checkConfusionMatrix(matrix, model, xTest, yTest)).hint;

  it('passes the matrix of the model\'s predictions against the test labels', () => {
    const result = run(() => checkConfusionMatrix(confusionMatrix(labels, predicted), model, xTest, yTest));
    expect(result.hint).to.equal(undefined);
    expect(result.printed[0]).to.include("the model's own predictions for the 60 test images");
  });

  it('refuses the labels counted against themselves (confusionMatrix(y, y))', () => {
    expect(hint(confusionMatrix(labels, labels))).to.include('counts the true labels against themselves');
  });

  it('refuses the transposed matrix', () => {
    const right = confusionMatrix(labels, predicted);
    const transposed = right.map((_, t) => right.map((row) => row[t]));
    expect(hint(confusionMatrix(predicted, labels))).to.include('Rows and columns are swapped');
    expect(transposed).to.deep.equal(confusionMatrix(predicted, labels));
  });

  it('refuses another model\'s predictions, counts of the wrong set, and a wrong shape', () => {
    const other = createModel({ seed: 99 });
    const otherPredicted = tf.tidy(() => (other.predict(xTest) as tf.Tensor).argMax(1).dataSync());
    other.dispose();
    expect(hint(confusionMatrix(labels, otherPredicted))).to.include("do not match what this model predicts");
    expect(hint(confusionMatrix(labels.slice(0, 30), predicted.slice(0, 30)))).to.include('counts 30 images').and.include('60 test images');
    expect(hint([[1]])).to.include('10 × 10 counts');
    expect(hint(todo())).to.include('10 × 10 counts');
  });
});

describe('check: test image 0 reshaped for the model (step 8)', () => {
  let xTest: tf.Tensor2D;
  before(() => { xTest = tf.tidy(() => tf.tensor2d(raw(2).images, [2, 784], 'float32').div<tf.Tensor2D>(255)); });
  after(() => xTest.dispose());
  const hint = (make: () => tf.Tensor | unknown) => {
    const value = make();
    try {
      return run(() => checkReshaped(value, xTest)).hint;
    } finally {
      if (value instanceof tf.Tensor) value.dispose();
    }
  };

  it('passes image 0 as shape [1, 784]', () => {
    expect(hint(() => xTest.slice(0, 1).reshape([1, 784]))).to.equal(undefined);
  });

  it('refuses [28, 28], [784], [1, 28, 28], raw pixels, another image and the placeholder', () => {
    expect(hint(() => xTest.slice(0, 1).reshape([28, 28]))).to.include('shape [28, 28]').and.include('still the 28×28 grid');
    expect(hint(() => xTest.slice(0, 1).reshape([784]))).to.include('without the batch axis');
    expect(hint(() => xTest.slice(0, 1).reshape([1, 28, 28]))).to.include('shape [1, 28, 28]');
    expect(hint(() => tf.tensor2d(raw(1).images, [1, 784], 'float32'))).to.include('raw 0–255 pixels');
    expect(hint(() => xTest.slice(1, 1))).to.include('not the pixels of test image 0');
    expect(hint(() => todo())).to.include('Step 8 needs test image 0 as a tensor');
  });
});

describe('check: the predicted digit is the argmax of the student\'s own prediction (step 8)', () => {
  let model: tf.Sequential;
  let input: tf.Tensor2D;
  before(() => {
    // An untrained model: its answer for this input is some digit, rarely 7.
    model = createModel({ seed: 5 });
    input = tf.randomUniform([1, 784], 0, 1, 'float32', 11) as tf.Tensor2D;
  });
  after(() => {
    input.dispose();
    model.dispose();
  });
  const hint = (pred: unknown, digit: unknown) => run(() => checkFirstPrediction(pred, digit, input, model)).hint;

  it('accepts model.predict + argMax(1), and says an untrained model does not read the 7', () => {
    const pred = model.predict(input) as tf.Tensor;
    const digit = pred.argMax(1);
    const largest = digit.dataSync()[0];
    expect(largest, 'this fixture needs a model that does not answer 7').to.not.equal(7);
    expect(hint(pred, digit)).to.include(`The model predicts ${largest} for test image 0`).and.include('trained');
    tf.dispose([pred, digit]);
  });

  it('refuses a hard-coded 7, as a number or as a tensor, when the prediction says otherwise', () => {
    const pred = model.predict(input) as tf.Tensor;
    const seven = tf.tensor1d([7], 'int32');
    expect(hint(pred, 7)).to.include('computed from the prediction').and.include('not typed in');
    expect(hint(pred, seven)).to.include('is not the position of the largest');
    tf.dispose([pred, seven]);
  });

  it('refuses argMax along axis 0, a prediction for another input, probabilities typed in, and placeholders', () => {
    const pred = model.predict(input) as tf.Tensor;
    const axis0 = pred.argMax(0);
    expect(hint(pred, axis0)).to.include('shape [10]').and.include('along axis 1');
    const other = tf.tidy(() => model.predict(tf.zeros([1, 784])) as tf.Tensor);
    expect(hint(other, tf.tidy(() => other.argMax(1)))).to.include("not this model's output for picInput1");
    const typed = tf.tensor2d([[0, 0, 0, 0, 0, 0, 0, 1, 0, 0]]);
    expect(hint(typed, tf.tensor1d([7], 'int32'))).to.include("not this model's output");
    expect(hint(todo(), todo())).to.include("the model's output for picInput1");
    expect(hint(pred, todo())).to.include('computed from the prediction');
    tf.dispose([pred, axis0, other, typed]);
  });

  it('passes when the trained model reads the 7 (a model whose output is 7 for this input)', () => {
    // Bias the output layer towards 7: the check must pass then, and only because the argmax is 7.
    const biased = createModel({ seed: 5 });
    const [kernel, bias] = biased.layers[1].getWeights();
    const newBias = tf.tensor1d(Array.from({ length: 10 }, (_, d) => (d === 7 ? 50 : 0)));
    biased.layers[1].setWeights([kernel, newBias]);
    newBias.dispose();
    void bias;
    const pred = biased.predict(input) as tf.Tensor;
    const digit = pred.argMax(1);
    expect(run(() => checkFirstPrediction(pred, digit, input, biased)).printed).to.deep.equal(["✓ test image 0 → [7], the position of the largest of the model's 10 probabilities"]);
    tf.dispose([pred, digit]);
    biased.dispose();
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

describe('checks leave no tensors behind', () => {
  it('keeps the tensor count, passing or failing', () => {
    const model = createModel();
    const x = tf.zeros([20, 784]) as tf.Tensor2D;
    const y = tf.zeros([20]);
    const one = x.slice(0, 1);
    const before = tf.memory().numTensors;
    run(() => checkModel(model));
    run(() => checkConfusionMatrix(confusionMatrix([0], [0]), model, x, y));
    run(() => checkReshaped(x, x));
    run(() => checkFirstPrediction(x, x, one, model));
    run(() => checkNormalized(x, x, { train: { images: new Uint8Array(20 * 784), count: 20 }, test: { images: new Uint8Array(20 * 784), count: 20 } }));
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x, y, one]);
    model.dispose();
  });
});
