/**
 * Autograded checks for the workbook's exercises. Each one looks at the work
 * itself (the tensors, the model, the model's own predictions), not at a
 * summary number that a wrong answer could share: on a right answer it
 * prints a short "✓" line, on a wrong or missing one it throws a CheckFailed
 * whose hint names the concept to revisit, never the answer itself.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckFailed, fail, pass } from './verdict';
import { modelSettings } from '../model/model';
import { EVALUATION_BATCH } from '../evaluate/predict';
import { validationSplitCounts } from '../data/prepare';
import { IMAGE_SIDE, IMAGE_SIZE } from '../data/image-size';
import { forEachPiece } from '../data/tensor-pieces';
import { describeNetwork, inputShapeOf, NetworkLayer, networkLayers } from './network';
import { FitRecord, fitCallOf, fitCallsOf, hasBeenTrained } from './fit-record';
import { callOn, digitReadings, MatrixFunction, WEAKEST_DIGIT_MATRICES } from './matrix-exercises';

export { CheckFailed };

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
function normalizationProblem(name: string, x: unknown, raw: RawImages, other?: { name: string; raw: RawImages }): string | { mean: number } {
  if (!isTensor(x)) {
    return `Step 2 needs ${name} as a tensor with one row of pixel values per image ` +
      '(see tf.tensor2d in the TensorFlow.js API docs), scaled into [0, 1].';
  }
  if (other !== undefined && x.rank === 2 && x.shape[0] === other.raw.count && x.shape[0] !== raw.count) {
    return `${name} has ${x.shape[0]} rows, as many as there are ${other.name}: make ${name} from its own images (${raw.count} of them).`;
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
    if (other !== undefined && sameAsScaled(x, other.raw)) {
      return `${name} holds the ${other.name}, not its own: make ${name} from its own images.`;
    }
    const perImage = scaledPerImage(x, raw);
    if (perImage) {
      return `${name}'s values lie in [0, 1], but each image was divided by its own largest pixel. ` +
        'Every image must be scaled by the same number, the largest value a pixel can have, so that the same ink gives the same value in every image.';
    }
    const means = Math.abs(mean - rawSum / count / 255) > 5e-5 ? ` (mean ${fmt(mean)}, expected ${fmt(rawSum / count / 255)})` : '';
    return `${name}'s values lie in [0, 1], but they are not each pixel divided by 255 in the data's own order${means}. ` +
      'Scale every pixel the same way and keep the images and their pixels in order.';
  }
  return { mean };
}

/** True when x's first image is raw's first image divided by 255. */
function sameAsScaled(x: tf.Tensor, raw: RawImages): boolean {
  const first = tf.tidy(() => x.slice([0, 0], [1, IMAGE_SIZE]).dataSync());
  return first.every((v, i) => Math.abs(v - raw.images[i] / 255) < 1e-6);
}

/** True when the first image that differs from raw / 255 is its raw pixels divided by that image's own largest pixel. */
function scaledPerImage(x: tf.Tensor, raw: RawImages): boolean {
  const rows = Math.min(x.shape[0], 64);
  const values = tf.tidy(() => x.slice([0, 0], [rows, IMAGE_SIZE]).dataSync());
  for (let r = 0; r < rows; r++) {
    const pixels = raw.images.subarray(r * IMAGE_SIZE, (r + 1) * IMAGE_SIZE);
    const row = values.subarray(r * IMAGE_SIZE, (r + 1) * IMAGE_SIZE);
    if (row.every((v, i) => Math.abs(v - pixels[i] / 255) < 1e-5)) continue;
    const max = Math.max(...Array.from(pixels));
    return max > 0 && row.every((v, i) => Math.abs(v - pixels[i] / max) < 1e-5);
  }
  return false;
}

/**
 * Step 2: both sets, training AND test, are tensors of shape [count, 784]
 * whose every value is the raw pixel divided by 255 (so the range is [0, 1]
 * and the mean is the raw mean / 255).
 */
export function checkNormalized(xTrain: unknown, xTest: unknown, raw: { train: RawImages; test: RawImages }): void {
  const train = normalizationProblem('xTrain', xTrain, raw.train);
  if (typeof train === 'string') fail(train);
  const test = normalizationProblem('xTest', xTest, raw.test, { name: 'training images', raw: raw.train });
  if (typeof test === 'string') {
    fail(`${test} The test images must be prepared exactly like the training images, ` +
      'or the model meets different numbers at test time than it learned from.');
  }
  pass(`xTrain ${shapeText((xTrain as tf.Tensor).shape)} and xTest ${shapeText((xTest as tf.Tensor).shape)}: ` +
    `every pixel divided by 255, values in [0, 1], means ${train.mean.toFixed(4)} and ${test.mean.toFixed(4)}`);
}

/** Question 3: the number of input values per image. */
export function checkInputsPerImage(answer: unknown): void {
  if (answer === IMAGE_SIZE) {
    pass('784 inputs per image');
    return;
  }
  const hint = answer === IMAGE_SIZE * 3
    ? `${String(answer)} counts three colour channels, but MNIST's images are grayscale: one channel, so one value per pixel.`
    : answer === IMAGE_SIDE ? `${String(answer)} is one row of the image; the Dense layer takes every pixel of all ${IMAGE_SIDE} rows.`
      : answer === IMAGE_SIDE * 2 ? `${String(answer)} adds the rows and the columns; the pixels of a grid are its rows times its columns.`
        : typeof answer !== 'number' ? 'The answer is a number: compute it from the image\'s rows and columns.'
          : `${String(answer)} is not the number of pixels of one image.`;
  fail(`${hint} Count the input values a Dense layer needs for one image: one per pixel of the 28×28 grid, and a grayscale image has one value per pixel.`);
}

const DENSE_DOCS = 'see tf.layers.dense in the TensorFlow.js API docs';

function layerProblem(layer: NetworkLayer, index: number, expected: { units: number; activation: string; role: string }): string | undefined {
  const which = index === 0 ? 'The first (hidden) layer' : 'The output layer';
  if (layer.kind !== 'Dense') return `${which} is a ${layer.kind} layer; the course's model is built of fully connected (Dense) layers only (${DENSE_DOCS}).`;
  if (layer.config.units !== expected.units) return `${which} has ${String(layer.config.units)} units; ${expected.role}.`;
  if (layer.activation !== expected.activation) {
    const given = layer.activation === 'linear' ? 'no activation (linear)' : `the activation '${layer.activation}'`;
    return `${which} has ${given}; ${expected.role} (the activation option of ${DENSE_DOCS.replace('see ', '')}).`;
  }
  if (layer.config.useBias === false) return `${which} has no bias; each neuron needs its bias as well as its weights (leave useBias as it is).`;
  return undefined;
}

/**
 * What is wrong with how `model` is compiled, measured against the course's
 * `model.compile` (Adam at 0.001, sparse categorical cross-entropy, the
 * accuracy metric), or undefined. `what` names the model in the hint ("The
 * model", "The CNN"); the workbook's and the extensions' checks share it.
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
  const accuracy = ['accuracy', 'acc', 'sparseCategoricalAccuracy'];
  if (!settings.metrics.some((m) => accuracy.includes(m))) {
    const given = settings.metrics.length === 0 ? 'no metric' : `the metric(s) ${settings.metrics.join(', ')}`;
    return `${what} is compiled with ${given}; the course watches the accuracy while training (the metrics option of model.compile).`;
  }
  return undefined;
}

/** What is wrong with `model`'s input shape for a Dense model of 784 inputs, or undefined. */
function denseInputProblem(model: tf.LayersModel): string | undefined {
  const input = inputShapeOf(model);
  if (input.length === 2 && input[1] === IMAGE_SIZE) return undefined;
  return `The model takes inputs of shape [${input.slice(1).join(', ')}] per image; ` +
    `a Dense input layer takes each image as one row of its ${IMAGE_SIZE} pixel values (the inputShape option, written without the batch axis).`;
}

/**
 * Step 4: the course's model: Dense(128, relu) on 784 inputs, then
 * Dense(10, softmax); compiled with Adam at learning rate 0.001, sparse
 * categorical cross-entropy and the accuracy metric. The network is read as
 * its computing layers (src/teaching/network.ts): an InputLayer, the
 * functional API or activations written as layers of their own are the same
 * network.
 */
export function checkModel(model: unknown): void {
  if (!(model instanceof tf.LayersModel)) {
    fail('Step 4 needs a model: a stack of layers (see tf.sequential in the TensorFlow.js API docs), compiled for training.');
  }
  const layers = networkLayers(model);
  if (layers.length !== 2) {
    fail(`The model's layers are ${describeNetwork(layers)}; ` +
      'the course\'s model has two: a hidden Dense layer and an output Dense layer.');
  }
  const inputProblem = denseInputProblem(model);
  if (inputProblem !== undefined) fail(inputProblem);
  const hidden = layerProblem(layers[0], 0, { units: 128, activation: 'relu', role: 'the hidden layer has 128 neurons with the ReLU activation' });
  if (hidden !== undefined) fail(hidden);
  const output = layerProblem(layers[1], 1, {
    units: 10, activation: 'softmax', role: 'the output layer has one neuron per digit, and its outputs are probabilities that add up to 1',
  });
  if (output !== undefined) fail(output);
  const compileProblem = courseCompileProblem(model, 'The model');
  if (compileProblem !== undefined) fail(compileProblem);
  pass('Dense(128, relu) on 784 inputs → Dense(10, softmax); Adam (learning rate 0.001), sparse categorical cross-entropy, accuracy; ' +
    `${model.countParams()} parameters`);
}

/** The course's training: `model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1 })`. */
export const COURSE_TRAINING = { epochs: 5, batchSize: 32, validationSplit: 0.1 } as const;

/** The parts of tfjs' History that tell how a model was trained. */
interface TrainingRecord {
  epoch?: number[];
  history?: Record<string, number[] | undefined>;
  params?: { batchSize?: number; samples?: number; epochs?: number };
}

const isThenable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** True when `a` holds exactly the values of rows `from` … `from + a.shape[0]` of `b` (read in pieces, never whole). */
function sameRows(a: tf.Tensor, b: tf.Tensor, from: number): boolean {
  if (a.shape.slice(1).join() !== b.shape.slice(1).join() || from + a.shape[0] > b.shape[0]) return false;
  const perRow = a.shape[0] === 0 ? 0 : a.size / a.shape[0];
  let same = true;
  forEachPiece(a, (values, offset) => {
    if (!same) return;
    const row = offset / Math.max(1, perRow);
    const rows = values.length / Math.max(1, perRow);
    const other = tf.tidy(() => tf.slice(b, [from + row, ...b.shape.slice(1).map(() => 0)], [rows, ...b.shape.slice(1)]).dataSync());
    for (let i = 0; i < values.length && same; i++) same = values[i] === other[i];
  });
  return same;
}

/** How a tensor given to fit relates to the check's training tensor: the same, its first rows, its last rows, or something else. */
function partOf(given: unknown, whole: tf.Tensor, rows: { first: number; rest: number }): 'whole' | 'first' | 'rest' | 'other' {
  if (given === whole) return 'whole';
  if (!isTensor(given)) return 'other';
  if (given.shape[0] === whole.shape[0] && sameRows(given, whole, 0)) return 'whole';
  if (given.shape[0] === rows.first && sameRows(given, whole, 0)) return 'first';
  if (given.shape[0] === rows.rest && sameRows(given, whole, rows.first)) return 'rest';
  return 'other';
}

function trainedOnWhat(given: unknown, name: string, whole: tf.Tensor, first: number): string {
  if (!isTensor(given)) return `The model was trained on ${given === undefined ? 'nothing' : typeof given} as ${name}`;
  const rows = given.shape[0];
  const guess = rows === first ? ` whose rows are not the first ${first} of ${name} (the course trains on the first 90 % and holds back the LAST 10 %)`
    : rows !== whole.shape[0] && name === 'xTrain' ? ' (the test images?)' : '';
  return `The model was trained on a tensor of shape ${shapeText(given.shape)}${guess} that is not ${name}`;
}

/** Judges one recorded `model.fit` call; returns the pass line. */
function judgeFit(record: FitRecord, history: TrainingRecord, xTrain: tf.Tensor, yTrain: tf.Tensor): string {
  const total = xTrain.shape[0];
  const first = validationSplitCounts(total, COURSE_TRAINING.validationSplit).trainCount;
  const rows = { first, rest: total - first };
  const args = record.args;
  const x = partOf(record.x, xTrain, rows);
  const y = partOf(record.y, yTrain, rows);
  if (x === 'other' || x === 'rest') {
    fail(`${trainedOnWhat(record.x, 'xTrain', xTrain, first)}: the model learns from the training images, xTrain and yTrain; ` +
      'the test images stay unseen until Step 6 measures how well it generalizes. Train it on xTrain and yTrain, after building it again (Step 4).');
  }
  if (y === 'other' || y === 'rest' || (x === 'whole') !== (y === 'whole')) {
    fail(`${trainedOnWhat(record.y, 'yTrain', yTrain, first)}: each image needs its own label, so train on xTrain with yTrain, row for row (after building the model again in Step 4).`);
  }
  const validationData = args.validationData as unknown[] | undefined;
  if (x === 'whole') {
    if (validationData !== undefined) {
      const vx = validationData[0];
      const isTest = isTensor(vx) && vx.shape[0] !== rows.rest;
      fail(`The model is validated on ${isTest ? `${(vx as tf.Tensor).shape[0]} other images (the test set?)` : 'images given apart'} while it trains on all of xTrain: ` +
        'the course holds back the LAST 10 % of the training images instead, so that the test images stay unseen (validationSplit: 0.1). Build the model again (Step 4), then train it.');
    }
    const split = args.validationSplit;
    if (split === undefined || split === 0) {
      fail('No images were held back for validation: the course keeps the last 10 % of the training images aside to watch after each epoch ' +
        '(the validationSplit option, a fraction). Build the model again (Step 4), then train it.');
    }
    if (Math.abs(split - COURSE_TRAINING.validationSplit) > 1e-9) {
      fail(`validationSplit is ${split}: ${split > 1 ? 'it is a fraction, not a percentage; ' : ''}the course holds back 10 % of the training images, ` +
        `the last ${rows.rest} of ${total}. Build the model again (Step 4), then train it.`);
    }
  } else {
    const vx = validationData?.[0];
    const vy = validationData?.[1];
    if (partOf(vx, xTrain, rows) !== 'rest' || partOf(vy, yTrain, rows) !== 'rest') {
      fail(`The model trained on the first ${first} training images, but was not validated on the last ${rows.rest} with their labels: ` +
        'the course watches the held-back 10 % of the training images after each epoch (validationSplit: 0.1 does both). Build the model again (Step 4), then train it.');
    }
  }
  const batch = args.batchSize ?? 32;
  if (batch !== COURSE_TRAINING.batchSize) {
    fail(`The batches hold ${batch} images; the course uses mini-batches of ${COURSE_TRAINING.batchSize} (the batchSize option). Build the model again (Step 4), then train it.`);
  }
  const epochs = history.epoch?.length ?? 0;
  if (epochs !== COURSE_TRAINING.epochs || (args.epochs ?? 1) !== COURSE_TRAINING.epochs) {
    fail(`The model trained for ${epochs} epoch(s); the course trains for ${COURSE_TRAINING.epochs} passes over the training images (the epochs option of model.fit; ` +
      'it is 1 when left out). Build the model again (Step 4), then train it.');
  }
  if (record.iterationsBefore !== undefined && record.iterationsAfter !== undefined && record.iterationsAfter <= record.iterationsBefore) {
    fail('The training call returned, but the optimizer made no step: the weights did not change. Build the model again (Step 4), then train it.');
  }
  return `${COURSE_TRAINING.epochs} epochs in batches of ${COURSE_TRAINING.batchSize} on the first ${first} rows of xTrain, the last ${rows.rest} held back for validation`;
}

/**
 * Step 5: the model was trained as the course trains it: on the first 90 %
 * of xTrain's rows (54,000) with the last 10 % held back for validation, for
 * 5 epochs in batches of 32; and the History is the one that training gave
 * back. What `model.fit` was given is known from the recording wrapper
 * (src/teaching/fit-record.ts), so a History typed in by hand, one from
 * another model, training on the test set or validating on it all fail.
 */
export function checkTraining(history: unknown, model: unknown, xTrain: unknown, yTrain: unknown): void {
  if (isThenable(history)) {
    fail('history is a Promise: the training call was started without await, so it runs on in the background and nothing has been trained yet. ' +
      'Write `await` before the call (const history = await …), wait until the training still running has finished (its progress stops), ' +
      'then build the model again (Step 4) and run the training cell again.');
  }
  const h = history as TrainingRecord | undefined;
  if (typeof h !== 'object' || h === null || h.history === undefined || !Array.isArray(h.epoch)) {
    fail('Step 5 needs the History that training returns (loss and accuracy per epoch): keep what the training call gives back, ' +
      'const history = await … (see model.fit in the TensorFlow.js API docs).');
  }
  if (!(model instanceof tf.LayersModel) || !isTensor(xTrain) || !isTensor(yTrain)) {
    fail('checkTraining(history, model, xTrain, yTrain) needs the model of Step 4 and the tensors of Step 2: run those cells first.');
  }
  const origin = fitCallOf(history);
  if (origin !== undefined && origin.model !== model) {
    fail('This History comes from training another model, not `model` of Step 4: train `model` itself and keep what its training call gives back.');
  }
  if (origin === undefined) {
    fail(fitCallsOf(model).length === 0 && !hasBeenTrained(model)
      ? 'This History was not given back by training: the model has not been trained at all (a History typed in describes nothing). ' +
        'Train it (see model.fit) and keep what the call gives back: const history = await ….'
      : 'This History was not given back by this model\'s training: keep what the training call gives back, const history = await …, and check that one.');
  }
  const calls = fitCallsOf(model).filter((r) => r.history !== undefined);
  if (calls.length > 1) {
    const epochs = calls.reduce((sum, r) => sum + (r.history?.epoch.length ?? 0), 0);
    fail(`The model has been trained ${calls.length} times (${epochs} epochs in all): training again goes on from the weights it has, it does not start over. ` +
      'Build the model again (Step 4), then train it once.');
  }
  pass(judgeFit(origin.record, h, xTrain, yTrain));
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
  for (let start = 0; start < count; start += EVALUATION_BATCH) {
    const size = Math.min(EVALUATION_BATCH, count - start);
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
  if (isTensor(matrix)) {
    fail(`matrix is a tensor of shape ${shapeText(matrix.shape)}; the cells below read it as rows of numbers (number[][]): ` +
      'read its values back as nested arrays (see arraySync in the TensorFlow.js API docs).');
  }
  if (!hasBeenTrained(model)) fail(UNTRAINED);
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
  const perRow = given.map((row) => row.reduce((a, b) => a + b, 0));
  if (total === 10 && perRow.every((n) => n === 1)) {
    fail('The matrix counts 10 images, one per row: the predictions were taken along axis 0, one per digit (the largest over all images). ' +
      'Take each image\'s largest probability along axis 1, the axis of its 10 probabilities, to get one predicted digit per test image.');
  }
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

const UNTRAINED = 'The model has not been trained: its optimizer has made no step since it was built. ' +
  'Was Step 4 run again after Step 5? That builds a new, untrained model under the same name: run Step 5 (training) again, then this cell.';

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
  if (!hasBeenTrained(model)) fail(UNTRAINED);
  if (largest !== 7) fail(`The model predicts ${largest} for test image 0; a trained model should read this digit correctly. Run Steps 4 and 5 again, then this cell.`);
  pass('test image 0 → [7], the position of the largest of the model\'s 10 probabilities');
}

/** The hint for an Exercise 10 answer that matches a tempting wrong reading of the matrix. */
const WEAKEST_HINTS: Record<string, string> = {
  mostMistakes: 'It finds the digit with the most mistakes by count; but digits have different numbers of test images, ' +
    'and a digit with many images has many mistakes even when it is mostly right. Compare shares: each row\'s diagonal cell divided by the row\'s sum.',
  smallestDiagonal: 'It finds the smallest diagonal cell, the fewest right answers; but digits have different numbers of test images. ' +
    'Divide each diagonal cell by the sum of its row first.',
  lowestPrecision: 'It divides the diagonal cell by its column: that is precision (of the images predicted as d, how many are d). ' +
    'Recognizing a digit is about its own images, its row: divide by the row\'s sum.',
  largestMistakeRow: 'It finds the true digit of the largest single mistake, one cell off the diagonal; the digit recognized worst is the one whose images, ' +
    'all its row, are least often right: diagonal cell over the row\'s sum.',
  highestRecall: 'It finds the digit recognized BEST, the largest share; the exercise asks for the smallest.',
  mostWrongGuesses: 'It finds the column with the most wrong guesses, the digit predicted wrongly most often; recognition is read along the rows (the true digits).',
};

/**
 * Exercise 10: a function that reads the digit with the lowest recall off
 * any confusion matrix. It is run on the model's own matrix and on matrices
 * where the tempting wrong methods give other digits (src/teaching/matrix-exercises.ts).
 */
export function checkWeakestDigit(weakestDigit: unknown, matrix: number[][]): void {
  if (typeof weakestDigit !== 'function') {
    fail(typeof weakestDigit === 'number'
      ? `weakestDigit is the number ${weakestDigit}; the exercise asks for a function that reads the answer off any confusion matrix it is given, ` +
        '(m: number[][]) => number, so that it can be tried on other matrices too.'
      : 'Exercise 10 needs a function weakestDigit(m: number[][]): number that returns the digit with the lowest recall in the confusion matrix m.');
  }
  const fn = weakestDigit as MatrixFunction<unknown>;
  const matrices = [matrix, ...WEAKEST_DIGIT_MATRICES];
  const outcomes = matrices.map((m) => callOn(fn, m));
  const thrown = outcomes.find((o): o is { error: string } => 'error' in o);
  if (thrown !== undefined) fail(`weakestDigit threw "${thrown.error}" on a 10 × 10 matrix; it should work on any confusion matrix it is given, not only this model's.`);
  const values = outcomes.map((o) => (o as { value: unknown }).value);
  if (values.every((v) => v === undefined)) {
    fail('weakestDigit gives no answer yet (undefined): write its body so that it returns the digit with the lowest recall of the matrix m it is given.');
  }
  const readings = matrices.map(digitReadings);
  if (values.every((v, i) => v === readings[i].lowestRecall + 1)) {
    fail('weakestDigit gives the digit after the one of lowest recall: digits are counted from 0, and digit d is row d (its index).');
  }
  const wrongType = values.find((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 9);
  if (wrongType !== undefined) {
    fail(`weakestDigit returned ${JSON.stringify(wrongType)}; it should return the digit itself, a whole number 0–9: the index of the row, not its recall.`);
  }
  const wrongAt = values.findIndex((v, i) => v !== readings[i].lowestRecall);
  if (wrongAt >= 0) {
    const method = Object.keys(WEAKEST_HINTS).find((key) => values.every((v, i) => v === readings[i][key]));
    const constant = values.every((v) => v === values[0]);
    const on = wrongAt === 0 ? 'on this model\'s matrix' : `on another confusion matrix (its recall per digit: ${
      matrices[wrongAt].map((row, d) => (row[d] / row.reduce((a, b) => a + b, 0)).toFixed(2)).join(', ')})`;
    fail(`weakestDigit gives ${String(values[wrongAt])} ${on}, not the digit of lowest recall. ` +
      (method !== undefined ? WEAKEST_HINTS[method]
        : constant ? `It returns ${String(values[0])} whatever the matrix: compute the answer from the matrix m it is given.`
          : 'For each digit (row), divide its diagonal cell by the sum of its row; the answer is the digit where that share is smallest.'));
  }
  const recall = readings[0].lowestRecall;
  const share = matrix[recall][recall] / matrix[recall].reduce((a, b) => a + b, 0);
  pass(`digit ${recall} has the lowest recall (${share.toFixed(3)}); weakestDigit also finds it on ${WEAKEST_DIGIT_MATRICES.length} other matrices`);
}
