/**
 * Autograded checks for the workbook's exercises. Each one looks at the work
 * itself (the tensors, the model, the model's own predictions), not at a
 * summary number that a wrong answer could share: on a right answer it
 * prints a short "✓" line, on a wrong or missing one it throws a CheckFailed
 * whose hint names the concept to revisit, never the answer itself.
 */
import * as tf from '@tensorflow/tfjs';
import { modelSettings, LayerSettings } from '../model/model';
import { IMAGE_SIDE, IMAGE_SIZE } from '../data/image-size';
import { forEachPiece } from '../data/tensor-pieces';
import { TRAINING_DEFAULTS } from '../train/training-defaults';

/** A check that did not pass; the message is the hint. */
export class CheckFailed extends Error {
  constructor(hint: string) {
    super(hint);
    this.name = 'CheckFailed';
  }
}

function pass(line: string): void {
  console.log(`✓ ${line}`);
}

function fail(hint: string): never {
  throw new CheckFailed(hint);
}

/** A placeholder for a value the student is to compute; every check refuses it. */
export function todo<T>(): T {
  return undefined as unknown as T;
}

const isTensor = (value: unknown): value is tf.Tensor => value instanceof tf.Tensor && !value.isDisposed;
const shapeText = (shape: number[]): string => `[${shape.join(', ')}]`;

/** Raw images as the data layer gives them: one byte 0–255 per pixel. */
export interface RawImages {
  images: Uint8Array;
  count: number;
}

function valuesOf(tensor: tf.Tensor): Float32Array {
  const data = tensor.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** What is wrong with one normalized set, or its mean when every pixel is its raw value / 255. */
function normalizationProblem(name: string, x: unknown, raw: RawImages): string | { mean: number } {
  if (!isTensor(x)) {
    return `Step 2 needs ${name} as a tensor with one row of pixel values per image ` +
      '(see tf.tensor2d in the TensorFlow.js API docs), scaled into [0, 1].';
  }
  if (x.rank !== 2 || x.shape[0] !== raw.count || x.shape[1] !== IMAGE_SIZE) {
    return `${name} has shape ${shapeText(x.shape)}; the Dense input layer takes each ${IMAGE_SIDE}×${IMAGE_SIDE} image as one row of ${IMAGE_SIZE} values, ` +
      `so ${name} should have shape [${raw.count}, ${IMAGE_SIZE}] (one row per image).`;
  }
  if (x.dtype !== 'float32') {
    return `${name} holds ${x.dtype} values: whole numbers cannot lie between 0 and 1. ` +
      'Make sure the division gives fractions (float32), not whole numbers.';
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let rawSum = 0;
  let worst = 0;
  forEachPiece(x, (values, offset) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const pixel = raw.images[offset + i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      rawSum += pixel;
      worst = Math.max(worst, Math.abs(v - pixel / 255));
    }
  });
  const count = x.size;
  const mean = sum / count;
  const fmt = (v: number): string => String(Number(v.toPrecision(4)));
  if (max > 1 + 1e-6 || min < -1e-6) {
    const unscaled = Math.abs(mean - rawSum / count) < 1e-3;
    return `${name}'s values run from ${fmt(min)} to ${fmt(max)}${unscaled ? ' (the raw 0–255 pixels)' : ''}: ` +
      'normalization brings every pixel into [0, 1]. Think about the largest value a pixel can have.';
  }
  if (worst > 1e-5) {
    if (Math.abs(max - 1) > 1e-5) {
      return `${name}'s largest value is ${fmt(max)} (mean ${fmt(mean)}), but a pixel of 255 (full ink) should become exactly 1: ` +
        'divide by the largest value a pixel can have.';
    }
    return `${name}'s values lie in [0, 1], but they are not each pixel divided by 255 in the data's own order ` +
      `(mean ${fmt(mean)}, expected ${fmt(rawSum / count / 255)}). Scale every pixel the same way and keep the images in order.`;
  }
  return { mean };
}

/**
 * Step 2: both sets, training AND test, are tensors of shape [count, 784]
 * whose every value is the raw pixel divided by 255 (so the range is [0, 1]
 * and the mean is the raw mean / 255).
 */
export function checkNormalized(xTrain: unknown, xTest: unknown, raw: { train: RawImages; test: RawImages }): void {
  const train = normalizationProblem('xTrain', xTrain, raw.train);
  if (typeof train === 'string') fail(train);
  const test = normalizationProblem('xTest', xTest, raw.test);
  if (typeof test === 'string') {
    fail(`${test} The test images must be prepared exactly like the training images, ` +
      'or the model meets different numbers at test time than it learned from.');
  }
  pass(`xTrain ${shapeText((xTrain as tf.Tensor).shape)} and xTest ${shapeText((xTest as tf.Tensor).shape)}: ` +
    `every pixel divided by 255, values in [0, 1], means ${train.mean.toFixed(4)} and ${test.mean.toFixed(4)}`);
}

/** Question 3: the number of input values per image. */
export function checkInputsPerImage(answer: unknown): void {
  if (answer !== IMAGE_SIZE) {
    fail('Count the input values a Dense layer needs for one image: every pixel of the 28×28 grid, in every channel, is one input.');
  }
  pass('784 inputs per image');
}

const DENSE_DOCS = 'see tf.layers.dense in the TensorFlow.js API docs';

function layerProblem(layer: LayerSettings, index: number, expected: { units: number; activation: string; role: string }): string | undefined {
  const which = index === 0 ? 'The first (hidden) layer' : 'The output layer';
  if (layer.kind !== 'Dense') return `${which} is a ${layer.kind} layer; the course's model is built of fully connected (Dense) layers only (${DENSE_DOCS}).`;
  if (layer.units !== expected.units) return `${which} has ${layer.units} units; ${expected.role}.`;
  if (layer.activation !== expected.activation) {
    const given = layer.activation === 'linear' ? 'no activation (linear)' : `the activation '${layer.activation}'`;
    return `${which} has ${given}; ${expected.role} (the activation option of ${DENSE_DOCS.replace('see ', '')}).`;
  }
  if (layer.useBias === false) return `${which} has no bias; each neuron needs its bias as well as its weights.`;
  return undefined;
}

/**
 * What is wrong with how `model` is compiled, measured against the course's
 * `model.compile` (Adam at 0.001, sparse categorical cross-entropy), or
 * undefined. `what` names the model in the hint ("The model", "The CNN");
 * the workbook's and the extensions' checks share it.
 */
export function courseCompileProblem(model: tf.LayersModel, what: string): string | undefined {
  const settings = modelSettings(model);
  if (settings.optimizer === null) {
    return `${what} is not compiled yet: compiling gives it the optimizer, the loss and the metric it trains with (see model.compile).`;
  }
  if (settings.optimizer.kind !== 'Adam') {
    return `${what} is compiled with the ${settings.optimizer.kind} optimizer; the course trains with Adam (see tf.train in the TensorFlow.js API docs).`;
  }
  const rate = settings.optimizer.config.learningRate;
  if (typeof rate !== 'number' || Math.abs(rate - 0.001) > 1e-9) {
    return `${what}'s optimizer: its learning rate is ${String(rate)}; the course uses Adam's usual rate of 0.001.`;
  }
  if (settings.loss !== 'sparseCategoricalCrossentropy') {
    const hint = settings.loss === 'categoricalCrossentropy'
      ? 'it expects one-hot rows, but the labels are whole class numbers 0–9'
      : 'the loss for 10 classes given as whole-number labels 0–9 compares them with the 10 probabilities';
    return `${what}'s loss is ${String(settings.loss)}; ${hint}.`;
  }
  return undefined;
}

/**
 * Step 4: the course's model: Dense(128, relu) on 784 inputs, then
 * Dense(10, softmax); compiled with Adam at learning rate 0.001, sparse
 * categorical cross-entropy and the accuracy metric.
 */
export function checkModel(model: unknown): void {
  if (!(model instanceof tf.LayersModel)) {
    fail('Step 4 needs a model: a stack of layers (see tf.sequential in the TensorFlow.js API docs), compiled for training.');
  }
  const settings = modelSettings(model);
  const layers = settings.layers;
  if (layers.length !== 2) {
    fail(`The model has ${layers.length} layer(s) (${layers.map((l) => l.kind).join(', ') || 'none'}); ` +
      'the course\'s model has two: a hidden Dense layer and an output Dense layer.');
  }
  const input = layers[0].inputShape ?? [];
  if (input.length !== 2 || input[1] !== IMAGE_SIZE) {
    fail(`The model takes inputs of shape [${input.slice(1).join(', ')}] per image; ` +
      'a Dense input layer takes each image as one row of its ' + IMAGE_SIZE + ' pixel values (the inputShape option).');
  }
  const hidden = layerProblem(layers[0], 0, { units: 128, activation: 'relu', role: 'the hidden layer has 128 neurons with the ReLU activation' });
  if (hidden !== undefined) fail(hidden);
  const output = layerProblem(layers[1], 1, {
    units: 10, activation: 'softmax', role: 'the output layer has one neuron per digit, and its outputs are probabilities that add up to 1',
  });
  if (output !== undefined) fail(output);
  const compileProblem = courseCompileProblem(model, 'The model');
  if (compileProblem !== undefined) fail(compileProblem);
  if (!settings.metrics.some((m) => m === 'accuracy' || m === 'acc')) {
    fail(`The model reports ${settings.metrics.length === 0 ? 'no metric' : settings.metrics.join(', ')}; the course watches the accuracy while training.`);
  }
  pass('Dense(128, relu) on 784 inputs → Dense(10, softmax); Adam (learning rate 0.001), sparse categorical cross-entropy, accuracy; ' +
    `${model.countParams()} parameters`);
}

/** The parts of a History (this project's or tfjs' own) that tell how a model was trained. */
interface TrainingRecord {
  epoch?: number[];
  history?: Record<string, number[] | undefined>;
  params?: { batchSize?: number; samples?: number; validationSamples?: number; doValidation?: boolean };
}

/** Step 5: the model was trained as the course trains it: 5 epochs, batches of 32, the last 10 % held back. */
export function checkTraining(history: unknown): void {
  const h = history as TrainingRecord | undefined;
  if (typeof h !== 'object' || h === null || h.history === undefined || !Array.isArray(h.epoch)) {
    fail('Step 5 needs the History that training returns (loss and accuracy per epoch): keep what the training call gives back.');
  }
  const params = h.params ?? {};
  if (h.epoch.length !== TRAINING_DEFAULTS.epochs) fail(`The model trained for ${h.epoch.length} epoch(s); the course trains for ${TRAINING_DEFAULTS.epochs}.`);
  if (params.batchSize !== undefined && params.batchSize !== TRAINING_DEFAULTS.batchSize) {
    fail(`The batches hold ${params.batchSize} images; the course uses mini-batches of ${TRAINING_DEFAULTS.batchSize}.`);
  }
  const validated = h.history.val_accuracy ?? h.history.val_acc;
  if (validated === undefined || params.validationSamples === 0) {
    fail('No images were held back for validation: the course keeps the last 10 % of the training images aside to watch after each epoch.');
  }
  if (params.validationSamples !== undefined && params.samples !== undefined) {
    const share = params.validationSamples / (params.samples + params.validationSamples);
    if (Math.abs(share - 0.1) > 0.001) {
      fail(`${(share * 100).toFixed(1)} % of the training images were held back for validation; the course holds back 10 %.`);
    }
  }
  const sizes = params.samples === undefined ? '' : ` on ${params.samples} images` +
    (params.validationSamples === undefined ? '' : `, validated on the last ${params.validationSamples}`);
  pass(`5 epochs in batches of 32${sizes}`);
}

function labelsOf(labels: unknown): number[] {
  if (isTensor(labels)) return Array.from(labels.dataSync());
  if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') {
    return Array.from(labels as ArrayLike<number>);
  }
  throw new Error('Expected the test labels as a tensor or an array of digits.');
}

/** The model's own predicted digit for every row of `x`. */
function predictedDigits(model: tf.LayersModel, x: tf.Tensor): number[] {
  const out: number[] = [];
  const count = x.shape[0];
  for (let start = 0; start < count; start += 2500) {
    const size = Math.min(2500, count - start);
    const digits = tf.tidy(() => (model.predict(x.slice(start, size), { batchSize: size }) as tf.Tensor).argMax(1).dataSync());
    out.push(...Array.from(digits));
  }
  return out;
}

const same = (a: number[][], b: number[][]): boolean => a.every((row, t) => row.every((n, p) => n === b[t][p]));

/**
 * Step 7: the matrix is the one the model's own predictions on the test set
 * give: matrix[t][p] counts the test images of digit t that the model
 * predicts as p.
 */
export function checkConfusionMatrix(matrix: unknown, model: tf.LayersModel, xTest: tf.Tensor, yTest: unknown): void {
  if (!Array.isArray(matrix) || matrix.length !== 10 || !matrix.every((r) => Array.isArray(r) && r.length === 10)) {
    fail('The confusion matrix has one row per true digit and one column per predicted digit: 10 × 10 counts.');
  }
  const given = matrix as number[][];
  const labels = labelsOf(yTest);
  const predicted = predictedDigits(model, xTest);
  const expected = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  labels.forEach((t, i) => { expected[t][predicted[i]]++; });
  if (same(given, expected)) {
    pass(`the model's own predictions for the ${labels.length} test images, true digit by row, predicted digit by column`);
    return;
  }
  const total = given.flat().reduce((a, b) => a + b, 0);
  if (total !== labels.length) {
    fail(`The matrix counts ${total} images; it should count each of the ${labels.length} test images exactly once.`);
  }
  const offDiagonal = given.reduce((sum, row, t) => sum + row.reduce((s, n, p) => s + (t === p ? 0 : n), 0), 0);
  if (offDiagonal === 0) {
    fail('Every image sits on the diagonal: this matrix counts the true labels against themselves. ' +
      'Its columns must come from the model: for each test image, the digit with the largest predicted probability.');
  }
  if (same(given, expected.map((_, t) => expected.map((row) => row[t])))) {
    fail('Rows and columns are swapped: row t should hold the test images whose TRUE digit is t, spread over the digits the model predicted.');
  }
  fail('The rows or columns do not match what this model predicts for the test images: count, for each test image, ' +
    'its true digit (row) against the digit of the model\'s largest probability for it (column).');
}

/** Step 8, first half: test image 0 of the normalized test set, as a batch of one row of 784 values. */
export function checkReshaped(picInput: unknown, xTest: tf.Tensor): void {
  if (!isTensor(picInput)) fail('Step 8 needs test image 0 as a tensor the model can take: a batch of one image.');
  const shape = picInput.shape;
  if (shape.length !== 2 || shape[0] !== 1 || shape[1] !== IMAGE_SIZE) {
    const hint = shape.length === 2 && shape[0] === IMAGE_SIDE
      ? 'that is still the 28×28 grid of pixels'
      : shape.length === 1 ? 'that is one row without the batch axis: the model takes a batch of images, here a batch of one'
        : 'the Dense model takes a batch of rows';
    fail(`The input has shape ${shapeText(shape)}: ${hint}. It should be one row of 28 · 28 values in a batch of one image.`);
  }
  const values = valuesOf(picInput);
  const first = tf.tidy(() => xTest.slice(0, 1).dataSync());
  let worst = 0;
  for (let i = 0; i < IMAGE_SIZE; i++) worst = Math.max(worst, Math.abs(values[i] - first[i]));
  if (worst > 1e-6) {
    const max = Math.max(...values);
    fail(max > 1
      ? 'The input holds raw 0–255 pixels: take test image 0 from the normalized test set, as the model was trained on.'
      : 'The input has the right shape but not the pixels of test image 0 (from the normalized test set), in their order.');
  }
  pass('test image 0 as shape [1, 784]');
}

/**
 * Step 8, second half: the prediction is the model's output for the
 * student's input, and the digit is the argmax of that prediction along
 * axis 1.
 */
export function checkFirstPrediction(prediction: unknown, digit: unknown, picInput: tf.Tensor, model: tf.LayersModel): void {
  if (!isTensor(prediction)) fail('The prediction should be the model\'s output for picInput1: a tensor of 10 probabilities for the one image.');
  const expected = tf.tidy(() => (model.predict(picInput) as tf.Tensor).dataSync());
  const values = prediction.dataSync();
  if (JSON.stringify(prediction.shape) !== '[1,10]' || expected.some((v, i) => Math.abs(v - values[i]) > 1e-5)) {
    fail(`The prediction (shape ${shapeText(prediction.shape)}) is not this model's output for picInput1: ` +
      'ask the trained model to predict the batch of one image; it answers with shape [1, 10].');
  }
  const largest = Array.from(values).indexOf(Math.max(...Array.from(values)));
  if (!isTensor(digit)) {
    fail('The digit should be computed from the prediction, as a tensor: the position of the largest of its 10 values, ' +
      'taken along axis 1 (one answer per image), not typed in.');
  }
  if (JSON.stringify(digit.shape) !== '[1]') {
    fail(`The digit has shape ${shapeText(digit.shape)}: take the position of the largest value along axis 1, ` +
      'the axis of the 10 digits, to get one answer per image: shape [1].');
  }
  if (digit.dataSync()[0] !== largest) {
    fail(`The digit ${digit.dataSync()[0]} is not the position of the largest of the prediction's 10 values (argmax along axis 1).`);
  }
  if (largest !== 7) fail(`The model predicts ${largest} for test image 0; a trained model should read this digit correctly. Has it been trained?`);
  pass('test image 0 → [7], the position of the largest of the model\'s 10 probabilities');
}

/** Exercise 10: the digit with the lowest recall, read off the confusion matrix. */
export function checkWeakestDigit(answer: unknown, matrix: number[][]): void {
  const recall = matrix.map((row, d) => row[d] / Math.max(1, row.reduce((a, b) => a + b, 0)));
  const weakest = recall.indexOf(Math.min(...recall));
  if (answer !== weakest) {
    fail('The digit the model recognizes worst has the lowest recall: its diagonal cell divided by the sum of its row.');
  }
  pass(`digit ${weakest} has the lowest recall (${recall[weakest].toFixed(3)})`);
}
