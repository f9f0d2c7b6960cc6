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
import { digitReadings, WEAKEST_DIGIT_MATRICES } from '../../src/teaching/matrix-exercises';
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

  it('refuses each image scaled by its own largest pixel, and an xTest made of the training images, saying what to change', () => {
    const faint = { train: { ...raw(6), images: raw(6).images.map((v) => v >> 1) }, test: data.test };
    const faintRight = tensor(faint.train, 255);
    const perImage = tf.tidy(() => { const x = tensor(faint.train, 1); return x.div(x.max(1, true)); });
    expect(run(() => checkNormalized(perImage, tensor(data.test, 255), faint)).hint).to.include('each image was divided by its own largest pixel')
      .and.include('scaled by the same number').and.not.include('mean');
    const trainAsTest = tensor(data.train, 255);
    expect(hint(right[0], trainAsTest)).to.include('xTest has 6 rows, as many as there are training images');
    const firstThree = tf.tidy(() => trainAsTest.slice(0, 3));
    expect(hint(right[0], firstThree)).to.include('xTest holds the training images');
    tf.dispose([faintRight, perImage, trainAsTest, firstThree]);
  });

  it('never gives the solution away', () => {
    for (const h of [hint(todo(), todo())]) expect(h).not.to.match(/div\(|\/ ?255|tensor2d\(/);
  });
});

describe('check: inputs per image (question 3)', () => {
  it('passes 784 and refuses 28, 56, 28 × 28 × 3, 28 × 28 × 255, a string and the placeholder, each with how to count', () => {
    expect(run(() => checkInputsPerImage(784)).hint).to.equal(undefined);
    for (const wrong of [28, 56, 2352, 199920, '784', todo()]) expect(run(() => checkInputsPerImage(wrong)).hint).to.include('one per pixel of the 28×28 grid');
    expect(run(() => checkInputsPerImage(2352)).hint).to.include('three colour channels').and.include('grayscale: one channel');
    expect(run(() => checkInputsPerImage(28)).hint).to.include('one row of the image');
    expect(run(() => checkInputsPerImage(56)).hint).to.include('rows times its columns');
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
    expect(hintFor([{ inputShape: [784], units: 10, activation: 'softmax' }], compile())).to.include("The model's layers are Dense;").and.include('has two');
  });

  const judge = (model: tf.LayersModel): string | undefined => {
    try {
      return run(() => checkModel(model)).hint;
    } finally {
      model.dispose();
    }
  };

  it('passes the same network written another way: an InputLayer first, the functional API, activations as layers of their own, metric acc', () => {
    const withInput = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [784] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    withInput.compile(compile());
    expect(judge(withInput)).to.equal(undefined);
    const input = tf.input({ shape: [784] });
    const hidden = tf.layers.dense({ units: 128, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor });
    functional.compile(compile({ optimizer: 'adam', metrics: ['acc'] }));
    expect(judge(functional)).to.equal(undefined);
    const separate = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128 }), tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 10 }), tf.layers.softmax()] });
    separate.compile(compile({ metrics: [tf.metrics.sparseCategoricalAccuracy] }));
    expect(judge(separate)).to.equal(undefined);
    const reluLayer = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128 }), tf.layers.reLU(), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    reluLayer.compile(compile({ optimizer: tf.train.adam() }));
    expect(judge(reluLayer)).to.equal(undefined);
  });

  it('refuses a wrong network however it is written: a third Dense layer, a softmax layer after a softmax output, a sigmoid Activation layer', () => {
    const three = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [784] }), tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 64, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    three.compile(compile());
    expect(judge(three)).to.include("The model's layers are Dense → Dense → Dense").and.not.include('InputLayer');
    const twice = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' }), tf.layers.softmax()] });
    twice.compile(compile());
    expect(judge(twice)).to.include('Dense → Dense → Softmax');
    const sigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128 }), tf.layers.activation({ activation: 'sigmoid' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    sigmoid.compile(compile());
    expect(judge(sigmoid)).to.include("The first (hidden) layer has the activation 'sigmoid'");
    const noBias = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu', useBias: false }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
    noBias.compile(compile());
    expect(judge(noBias)).to.include('has no bias');
  });

  it('refuses a model that is not compiled, SGD, a learning rate of 0.01, the wrong loss, no accuracy metric', () => {
    expect(hintFor(course)).to.include('not compiled');
    expect(hintFor(course, compile({ optimizer: tf.train.sgd(0.001) }))).to.include('the SGD optimizer').and.include('Adam');
    expect(hintFor(course, compile({ optimizer: tf.train.adam(0.01) }))).to.include('learning rate is 0.01');
    expect(hintFor(course, compile({ loss: 'categoricalCrossentropy' }))).to.include('expects one-hot rows');
    expect(hintFor(course, compile({ loss: 'meanSquaredError' }))).to.include("The model's loss is meanSquaredError");
    expect(hintFor(course, compile({ metrics: [] }))).to.include('no metric').and.include('accuracy').and.include('metrics option');
    expect(hintFor(course, compile({ metrics: ['mse'] }))).to.include('the metric(s) mse');
  });

  it('refuses the unanswered placeholder, pointing to the API docs, not to a helper', () => {
    const h = run(() => checkModel(todo())).hint;
    expect(h).to.include('Step 4 needs a model').and.include('TensorFlow.js API docs');
    expect(h).not.to.include('createModel');
  });
});

describe('check: training (step 5), judged by what model.fit was given', () => {
  // 60 rows: the course's split holds back the last 6 (10 %), as it holds back 6,000 of 60,000.
  let xTrain: tf.Tensor2D;
  let yTrain: tf.Tensor1D;
  let xTest: tf.Tensor2D;
  let yTest: tf.Tensor1D;
  const made: tf.LayersModel[] = [];
  before(() => {
    xTrain = tf.randomUniform([60, 784], 0, 1, 'float32', 2) as tf.Tensor2D;
    yTrain = tf.tensor1d(Array.from({ length: 60 }, (_, i) => i % 10), 'float32');
    xTest = tf.randomUniform([20, 784], 0, 1, 'float32', 3) as tf.Tensor2D;
    yTest = tf.tensor1d(Array.from({ length: 20 }, (_, i) => (i * 3) % 10), 'float32');
  });
  after(() => {
    tf.dispose([xTrain, yTrain, xTest, yTest]);
    made.forEach((m) => m.dispose());
  });
  const fresh = (): tf.Sequential => {
    const model = createModel({ hidden: 4 });
    made.push(model);
    return model;
  };
  const course = { epochs: 5, batchSize: 32, validationSplit: 0.1, verbose: 0 } as const;
  const judge = (history: unknown, model: tf.LayersModel) => run(() => checkTraining(history, model, xTrain, yTrain));

  it('passes the course\'s model.fit, with or without batchSize (32 is its default), and a split written by hand', async () => {
    const model = fresh();
    const h = await model.fit(xTrain, yTrain, course);
    expect(judge(h, model).printed).to.deep.equal(['✓ 5 epochs in batches of 32 on the first 54 rows of xTrain, the last 6 held back for validation']);
    const other = fresh();
    const h2 = await other.fit(xTrain, yTrain, { epochs: 5, validationSplit: 0.1, verbose: 0, callbacks: { onEpochEnd: async () => undefined } });
    expect(judge(h2, other).hint).to.equal(undefined);
    const byHand = fresh();
    const [x54, y54, x6, y6] = [xTrain.slice(0, 54), yTrain.slice(0, 54), xTrain.slice(54), yTrain.slice(54)];
    const h3 = await byHand.fit(x54, y54, { epochs: 5, batchSize: 32, validationData: [x6, y6], verbose: 0 });
    expect(judge(h3, byHand).hint).to.equal(undefined);
    tf.dispose([x54, y54, x6, y6]);
  });

  it('refuses a History typed in by hand: nothing was trained', () => {
    const typed = { epoch: [0, 1, 2, 3, 4], history: { loss: [1, 1, 1, 1, 1], val_acc: [1, 1, 1, 1, 1] }, params: { epochs: 5, samples: 54, batchSize: 32 } };
    expect(judge(typed, fresh()).hint).to.include('not given back by training').and.include('has not been trained at all').and.include('await');
  });

  it('refuses training on the test images, and labels that are not yTrain\'s', async () => {
    const onTest = fresh();
    const h = await onTest.fit(xTest, yTest, course);
    expect(judge(h, onTest).hint).to.include('a tensor of shape [20, 784] (the test images?) that is not xTrain').and.include('Train it on xTrain and yTrain');
    const wrongLabels = fresh();
    const h2 = await wrongLabels.fit(xTrain, yTrain.reverse(), course);
    expect(judge(h2, wrongLabels).hint).to.include('each image needs its own label');
  });

  it('refuses validating on the test set, a 20 % split, a split of 10 (a percentage) and no validation at all', async () => {
    const onTestSet = fresh();
    const h = await onTestSet.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationData: [xTest, yTest], verbose: 0 });
    expect(judge(h, onTestSet).hint).to.include('20 other images (the test set?)').and.include('LAST 10 %').and.include('validationSplit: 0.1');
    const twenty = fresh();
    expect(judge(await twenty.fit(xTrain, yTrain, { ...course, validationSplit: 0.2 }), twenty).hint).to.include('validationSplit is 0.2').and.include('the last 6 of 60');
    const none = fresh();
    expect(judge(await none.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, verbose: 0 }), none).hint).to.include('No images were held back').and.include('validationSplit option');
  });

  it('refuses the first 10 % held back instead of the last, and a split by hand validated on other rows', async () => {
    const [last54, first6] = [xTrain.slice(6), xTrain.slice(0, 6)];
    const [yLast54, yFirst6] = [yTrain.slice(6), yTrain.slice(0, 6)];
    const firstHeld = fresh();
    const h = await firstHeld.fit(last54, yLast54, { epochs: 5, batchSize: 32, validationData: [first6, yFirst6], verbose: 0 });
    expect(judge(h, firstHeld).hint).to.include('whose rows are not the first 54 of xTrain').and.include('the LAST 10 %');
    const [x54, y54] = [xTrain.slice(0, 54), yTrain.slice(0, 54)];
    const otherRows = fresh();
    const h2 = await otherRows.fit(x54, y54, { epochs: 5, batchSize: 32, validationData: [xTest, yTest], verbose: 0 });
    expect(judge(h2, otherRows).hint).to.include('was not validated on the last 6 with their labels');
    tf.dispose([last54, first6, yLast54, yFirst6, x54, y54]);
  });

  it('refuses 1 epoch (epochs left out), 10 epochs, batches of 64', async () => {
    const one = fresh();
    expect(judge(await one.fit(xTrain, yTrain, { validationSplit: 0.1, verbose: 0 }), one).hint).to.include('trained for 1 epoch(s)').and.include('it is 1 when left out');
    const ten = fresh();
    expect(judge(await ten.fit(xTrain, yTrain, { ...course, epochs: 10 }), ten).hint).to.include('trained for 10 epoch(s)');
    const big = fresh();
    expect(judge(await big.fit(xTrain, yTrain, { ...course, batchSize: 64 }), big).hint).to.include('hold 64 images').and.include('batchSize option');
  });

  it('refuses a model trained twice (the training cell run again without building the model again)', async () => {
    const model = fresh();
    await model.fit(xTrain, yTrain, course);
    const again = await model.fit(xTrain, yTrain, course);
    expect(judge(again, model).hint).to.include('trained 2 times (10 epochs in all)').and.include('Build the model again (Step 4)');
  });

  it('refuses the History of another model, and one not given back by this model\'s training', async () => {
    const trained = fresh();
    const h = await trained.fit(xTrain, yTrain, course);
    expect(judge(h, fresh()).hint).to.include('comes from training another model');
    const copied = { ...h };
    expect(judge(copied, trained).hint).to.include('not given back by this model\'s training');
  });

  it('refuses a forgotten await (a Promise), saying to await and wait for the training already running', async () => {
    const model = fresh();
    const pending = model.fit(xTrain, yTrain, course);
    expect(judge(pending, model).hint).to.include('history is a Promise').and.include('Write `await`').and.include('wait until the training still running has finished');
    await pending;
  });

  it('refuses the unanswered placeholder and asks for what training gives back', () => {
    expect(judge(todo(), fresh()).hint).to.include('Step 5 needs the History').and.include('await');
  });

  it('leaves no tensors behind, passing or failing', async () => {
    const model = fresh();
    const h = await model.fit(xTrain, yTrain, { epochs: 5, validationData: [xTest, yTest], verbose: 0 });
    const [x54, y54, x6, y6] = [xTrain.slice(0, 54), yTrain.slice(0, 54), xTrain.slice(54), yTrain.slice(54)];
    const good = fresh();
    const h2 = await good.fit(x54, y54, { epochs: 5, validationData: [x6, y6], verbose: 0 });
    const before = tf.memory().numTensors;
    expect(judge(h, model).hint).to.be.a('string');
    expect(judge(h2, good).hint).to.equal(undefined);
    expect(tf.memory().numTensors).to.equal(before);
    tf.dispose([x54, y54, x6, y6]);
  });
});

describe('check: the confusion matrix from the model\'s own predictions (step 7)', () => {
  let model: tf.Sequential;
  let xTest: tf.Tensor2D;
  let yTest: tf.Tensor1D;
  let predicted: Int32Array;
  const labels = Array.from({ length: 60 }, (_, i) => i % 10);
  before(async () => {
    model = createModel({ seed: 7 });
    xTest = tf.randomUniform([60, 784], 0, 1, 'float32', 3) as tf.Tensor2D;
    yTest = tf.tensor1d(labels, 'float32');
    await model.fit(xTest, yTest, { epochs: 1, verbose: 0 });
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

  it('refuses predictions taken along axis 0 (one per digit), and a tensor where the cells below need rows of numbers', () => {
    // argMax(0) gives one position per digit; counted against the first 10 labels it makes one count per row.
    const onePerRow = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (p === (t * 3) % 10 ? 1 : 0)));
    expect(hint(onePerRow)).to.include('along axis 0').and.include('along axis 1');
    const tensor = tf.tensor2d(confusionMatrix(labels, predicted));
    expect(hint(tensor)).to.include('matrix is a tensor of shape [10, 10]').and.include('arraySync');
    tensor.dispose();
  });

  it('refuses a model that has not been trained (Step 4 run again after Step 5), saying to train it again', () => {
    const untrained = createModel({ seed: 7 });
    const own = tf.tidy(() => (untrained.predict(xTest) as tf.Tensor).argMax(1).dataSync());
    expect(run(() => checkConfusionMatrix(confusionMatrix(labels, own), untrained, xTest, yTest)).hint).to.include('has not been trained').and.include('run Step 5 (training) again');
    untrained.dispose();
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

  it('accepts model.predict + argMax(1), and says an untrained model must be trained again', () => {
    const pred = model.predict(input) as tf.Tensor;
    const digit = pred.argMax(1);
    const largest = digit.dataSync()[0];
    expect(largest, 'this fixture needs a model that does not answer 7').to.not.equal(7);
    expect(hint(pred, digit)).to.include('has not been trained').and.include('run Step 5 (training) again');
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

  it('passes when the trained model reads the 7 (a model whose output is 7 for this input), and says a model reading another digit is not trained enough', async () => {
    // Bias the output layer towards 7: the check must pass then, and only because the argmax is 7.
    const biased = createModel({ seed: 5 });
    const label = tf.tensor1d([3]);
    await biased.fit(input, label, { epochs: 1, verbose: 0 });
    label.dispose();
    const off = biased.predict(input) as tf.Tensor;
    const offDigit = off.argMax(1);
    if (offDigit.dataSync()[0] !== 7) expect(run(() => checkFirstPrediction(off, offDigit, input, biased)).hint).to.include('Run Steps 4 and 5 again');
    tf.dispose([off, offDigit]);
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

describe('check: the weakest digit, asked as a function of the matrix (exercise 10)', () => {
  // A matrix of this model's kind: digit 4 has the lowest recall.
  const matrix = Array.from({ length: 10 }, (_, t) => Array.from({ length: 10 }, (_, p) => (t === p ? (t === 4 ? 5 : 9) : p === 0 && t !== 0 ? 1 : 0)));
  const hint = (fn: unknown) => run(() => checkWeakestDigit(fn, matrix)).hint;
  const rowSum = (row: number[]): number => row.reduce((a, b) => a + b, 0);
  const argmin = (xs: number[]): number => xs.indexOf(Math.min(...xs));
  const argmax = (xs: number[]): number => xs.indexOf(Math.max(...xs));

  it('the matrices it is tried on tell the tempting wrong methods apart: each gives another digit', () => {
    for (const m of WEAKEST_DIGIT_MATRICES) {
      const readings = digitReadings(m);
      const digits = ['lowestRecall', 'mostMistakes', 'smallestDiagonal', 'lowestPrecision', 'largestMistakeRow', 'highestRecall', 'mostWrongGuesses'].map((k) => readings[k]);
      expect(new Set(digits).size, JSON.stringify(readings)).to.equal(digits.length);
      expect(readings.largestMistakeColumn).to.not.equal(readings.lowestRecall);
    }
    expect(digitReadings(WEAKEST_DIGIT_MATRICES[0]).lowestRecall).to.not.equal(digitReadings(WEAKEST_DIGIT_MATRICES[1]).lowestRecall);
  });

  it('passes the right function however it is written: recall by map/indexOf, a loop, a sort', () => {
    const byMap = (m: number[][]): number => argmin(m.map((row, d) => row[d] / rowSum(row)));
    const byLoop = (m: number[][]): number => {
      let best = 0;
      for (let d = 1; d < m.length; d++) if (m[d][d] / rowSum(m[d]) < m[best][best] / rowSum(m[best])) best = d;
      return best;
    };
    const bySort = (m: number[][]): number => m.map((row, d) => ({ d, r: row[d] / rowSum(row) })).sort((a, b) => a.r - b.r)[0].d;
    // Changing the matrix it is given changes nothing outside.
    const mutating = (m: number[][]): number => { m.forEach((row) => row.reverse()); return byMap(m.map((row) => row.reverse())); };
    for (const fn of [byMap, byLoop, bySort, mutating]) expect(run(() => checkWeakestDigit(fn, matrix)).printed[0]).to.match(/^✓ digit 4 has the lowest recall \(0\.833\); weakestDigit also finds it on 2 other matrices$/);
  });

  it('refuses each tempting wrong method with the hint for it', () => {
    expect(hint((m: number[][]) => argmax(m.map((row, d) => rowSum(row) - row[d])))).to.include('the most mistakes by count');
    expect(hint((m: number[][]) => argmin(m.map((row, d) => row[d])))).to.include('smallest diagonal cell');
    expect(hint((m: number[][]) => argmin(m.map((row, d) => row[d] / rowSum(m.map((r) => r[d])))))).to.include('that is precision');
    expect(hint((m: number[][]) => argmax(m.map((row, d) => row[d] / rowSum(row))))).to.include('recognized BEST');
    expect(hint((m: number[][]) => argmax(m.map((_, d) => rowSum(m.map((r) => r[d])) - m[d][d])))).to.include('the column with the most wrong guesses');
    expect(hint((m: number[][]) => digitReadings(m).largestMistakeRow)).to.include('largest single mistake');
    expect(hint((m: number[][]) => argmin(m.map((row, d) => row[d] / rowSum(row))) + 1)).to.include('counted from 0');
  });

  it('refuses a value typed in, a function that always gives the same digit, its recall instead of the digit, and one that throws', () => {
    expect(hint(4)).to.include('weakestDigit is the number 4').and.include('a function');
    expect(hint(() => 4)).to.include('returns 4 whatever the matrix');
    expect(hint((m: number[][]) => Math.min(...m.map((row, d) => row[d] / rowSum(row))))).to.include('return the digit itself');
    expect(hint((m: number[][]) => { if (m[0][0] !== 9) throw new Error('not this one'); return 4; })).to.include('threw "not this one"');
    expect(hint(todo())).to.include('Exercise 10 needs a function weakestDigit');
    // The student edition's stub: a function whose body is still to be written.
    expect(hint((): number => todo<number>())).to.include('weakestDigit gives no answer yet');
  });

  it('says on which matrix the answer went wrong, with that matrix\'s recalls, without naming the right digit', () => {
    const h = hint((m: number[][]) => argmax(m.map((row, d) => rowSum(row) - row[d])))!;
    expect(h).to.match(/on (this model's matrix|another confusion matrix \(its recall per digit: [\d., ]+\))/);
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
