/**
 * Checks for the exercises of the extension notebooks (Fashion-MNIST,
 * improving the MLP, the small CNN), in the form of the workbook's checks:
 * a right answer prints a "✓" line, a wrong or missing one throws
 * CheckFailed with a hint that names the concept, never the answer. Each
 * looks at the work itself: the layers and compile settings of the
 * student's model, or the pair the student's model really confuses.
 */
import * as tf from '@tensorflow/tfjs';
import { courseCompileProblem } from './checks';
import { fail, pass } from './verdict';
import { predictLabels } from '../evaluate/predict';
import { confusionMatrix } from '../evaluate/metrics';
import type { Samples } from '../data/prepare';
import { IMAGE_SIDE, IMAGE_SIZE } from '../data/image-size';
import { describeNetwork, networkLayers } from './network';
import { callOn, CONFUSED_PAIR_MATRICES, MatrixFunction, pairReadings } from './matrix-exercises';


const describeLayers = describeNetwork;
const layerFacts = networkLayers;

/** The model must be compiled the way the course compiles: Adam at 0.001, sparse categorical cross-entropy, the accuracy metric. */
function checkCompiledLikeCourse(model: tf.LayersModel, what: string): void {
  const problem = courseCompileProblem(model, what);
  if (problem !== undefined) fail(problem);
}

function isModel(value: unknown): value is tf.LayersModel {
  return value instanceof tf.LayersModel;
}

/**
 * Improving the MLP: the course model with a Dropout layer that drops
 * `rate` (30 %) of the hidden layer's outputs while training, compiled like
 * the course model.
 */
export function checkDropoutModel(model: unknown, rate = 0.3): void {
  if (!isModel(model)) fail('This exercise needs a model: build it with tf.sequential and tf.layers, as the course builds its Sequential model.');
  const layers = layerFacts(model);
  const kinds = layers.map((l) => l.kind);
  const dropouts = kinds.filter((k) => k === 'Dropout').length;
  if (dropouts === 0) fail(`The model's layers are ${describeLayers(layers)}: there is no Dropout layer yet (tf.layers.dropout).`);
  if (dropouts > 1 || kinds.length !== 3) {
    fail(`The model's layers are ${describeLayers(layers)}; the course model has two Dense layers, and one Dropout layer goes between them.`);
  }
  if (kinds[2] === 'Dropout') {
    fail('The Dropout layer comes after the output layer: it would switch off some of the 10 probabilities themselves. ' +
      'It belongs after the hidden layer, so that the output layer cannot rely on any single hidden neuron.');
  }
  if (kinds[0] === 'Dropout') {
    fail('The Dropout layer comes first, so it drops input pixels. This exercise drops the hidden layer\'s outputs: place it between the two Dense layers.');
  }
  const [hidden, dropout, output] = layers;
  const inputShape = JSON.stringify(model.inputs[0].shape);
  if (inputShape !== `[null,${IMAGE_SIZE}]`) fail(`The model takes inputs of shape ${inputShape.replace('null', 'batch')}; each image reaches it as one row of ${IMAGE_SIZE} pixels.`);
  if (hidden.kind !== 'Dense' || output.kind !== 'Dense') {
    fail(`The model's layers are ${describeLayers(layers)}; the course model's two layers are Dense layers (tf.layers.dense), with the Dropout layer between them.`);
  }
  if (hidden.config.units !== 128 || hidden.activation !== 'relu') {
    fail(`The hidden layer has ${String(hidden.config.units)} ${hidden.activation} units; keep the course's hidden layer (128 relu units) so only the dropout differs.`);
  }
  if (output.config.units !== 10 || output.activation !== 'softmax') {
    fail(`The output layer has ${String(output.config.units)} ${output.activation} units; it needs one probability per class, and the 10 probabilities must add up to 1.`);
  }
  const dropped = dropout.config.rate;
  if (dropped !== rate) {
    const hint = typeof dropped === 'number' && dropped >= 1
      ? 'A rate of 1 would drop every output (TensorFlow.js turns a larger rate into 1): the rate is a fraction between 0 and 1, not a percentage.'
      : typeof dropped === 'number' && Math.abs(dropped - (1 - rate)) < 1e-9 ? 'The rate is the share that is dropped, not the share that is kept.'
        : `The exercise asks to drop ${rate * 100} % of the hidden outputs.`;
    fail(`The Dropout layer's rate is ${String(dropped)}. ${hint}`);
  }
  checkCompiledLikeCourse(model, 'The model');
  pass(`${describeLayers(layers)}: dropout ${rate} between the hidden and the output layer, ${model.countParams()} parameters, compiled like the course model`);
}

/** What the CNN of the extension has, layer by layer (the table of its notebook). */
const CNN_LAYERS: { kind: string; facts: Record<string, unknown>; output: string }[] = [
  { kind: 'Conv2D', facts: { filters: 32, kernelSize: [3, 3], activation: 'relu' }, output: '[batch,26,26,32]' },
  { kind: 'MaxPooling2D', facts: { poolSize: [2, 2] }, output: '[batch,13,13,32]' },
  { kind: 'Conv2D', facts: { filters: 64, kernelSize: [3, 3], activation: 'relu' }, output: '[batch,11,11,64]' },
  { kind: 'MaxPooling2D', facts: { poolSize: [2, 2] }, output: '[batch,5,5,64]' },
  { kind: 'Flatten', facts: {}, output: '[batch,1600]' },
  { kind: 'Dense', facts: { units: 128, activation: 'relu' }, output: '[batch,128]' },
  { kind: 'Dense', facts: { units: 10, activation: 'softmax' }, output: '[batch,10]' },
];

/** The small CNN: Conv2D(32) → MaxPooling2D → Conv2D(64) → MaxPooling2D → Flatten → Dense(128 relu) → Dense(10 softmax), compiled like the course model. */
export function checkCnn(model: unknown): void {
  if (!isModel(model)) fail('This exercise needs a model: build it with tf.sequential and tf.layers (conv2d, maxPooling2d, flatten, dense).');
  const inputShape = JSON.stringify(model.inputs[0].shape);
  if (inputShape !== `[null,${IMAGE_SIDE},${IMAGE_SIDE},1]`) {
    fail(`The CNN takes inputs of shape ${inputShape.replace('null', 'batch')}. A convolution reads a picture: rows, columns and channels ` +
      '(one, grey) of each image, not a row of pixels.');
  }
  const layers = layerFacts(model);
  const kinds = layers.map((l) => l.kind);
  const flatten = kinds.indexOf('Flatten');
  const firstDense = kinds.indexOf('Dense');
  if (firstDense >= 0 && (flatten < 0 || flatten > firstDense)) {
    fail(`The layers are ${describeLayers(layers)}, and the first Dense layer gets the ${layers[firstDense - 1]?.output ?? 'input'} maps unflattened: ` +
      'a Dense layer then works on each position separately. The maps have to become one row of values per image first.');
  }
  if (kinds.length !== CNN_LAYERS.length || kinds.some((k, i) => k !== CNN_LAYERS[i].kind)) {
    fail(`The layers are ${describeLayers(layers)}; the table above lists ${CNN_LAYERS.map((l) => l.kind).join(' → ')}.`);
  }
  layers.forEach((layer, i) => {
    const want = CNN_LAYERS[i];
    for (const [key, value] of Object.entries(want.facts)) {
      const given = key === 'activation' ? layer.activation : layer.config[key];
      if (JSON.stringify(given) !== JSON.stringify(value)) {
        fail(`Layer ${i + 1} (${layer.kind}) has ${key} ${JSON.stringify(given)}; compare it with row ${i + 1} of the table above.`);
      }
    }
    if (layer.output !== want.output) {
      fail(`Layer ${i + 1} (${layer.kind}) passes on ${layer.output} where the table's network passes on ${want.output}: ` +
        'a 3×3 convolution without padding shrinks each side by 2, a 2×2 pooling halves it.');
    }
  });
  checkCompiledLikeCourse(model, 'The CNN');
  pass(`${describeLayers(layers)}: 28×28×1 in, 10 probabilities out, ${model.countParams()} parameters, compiled like the course model`);
}

/** An answer naming one cell of the confusion matrix off its diagonal. */
export interface ConfusedPairAnswer {
  truth: number;
  predicted: number;
}

/** The hint for a pair that matches a tempting wrong reading of the matrix. */
const PAIR_HINTS: Record<string, string> = {
  swapped: 'It gives the pair the wrong way round: truth is the row (the true class), predicted the column (what the model said).',
  rowWithMostMistakes: 'It takes the class with the most mistakes, then that row\'s largest mistake; but the largest single cell off the diagonal can lie in another row. ' +
    'Compare every cell off the diagonal.',
  columnWithMostWrongGuesses: 'It takes the column with the most wrong guesses, then its largest cell; but the largest single cell off the diagonal can lie in another column. ' +
    'Compare every cell off the diagonal.',
  largestBothWays: 'It adds the two directions of a pair (a taken for b plus b taken for a); the exercise asks in which one direction the model errs most often: one cell.',
  largestShareOfRow: 'It compares mistakes as shares of their row; the exercise asks which mistake the model makes most often: compare the counts themselves.',
};

/**
 * Fashion-MNIST: a function that reads the pair of classes confused most off
 * any confusion matrix: the largest count off the diagonal, as { truth,
 * predicted }. It is run on the confusion matrix of the model's own
 * predictions on `test`, and on matrices where the tempting wrong methods
 * give other pairs (src/teaching/matrix-exercises.ts).
 */
export function checkMostConfusedPair(mostFrequentMistake: unknown, model: tf.LayersModel, test: Samples, names?: readonly string[]): void {
  if (typeof mostFrequentMistake !== 'function') {
    fail(typeof mostFrequentMistake === 'object' && mostFrequentMistake !== null
      ? 'mostFrequentMistake is a value; the exercise asks for a function that reads the pair off any confusion matrix it is given, ' +
        '(m: number[][]) => ({ truth, predicted }), so that it can be tried on other matrices too.'
      : 'The exercise needs a function mostFrequentMistake(m: number[][]) that returns { truth, predicted }: the true class (a row of m) ' +
        'and the class it is taken for (a column), where m counts that mistake most often.');
  }
  const fn = mostFrequentMistake as MatrixFunction<unknown>;
  const own = confusionMatrix(test.y, predictLabels(model, test), model.outputs[0].shape[1] ?? 10);
  const matrices = [own, ...CONFUSED_PAIR_MATRICES];
  const name = (c: number): string => (names === undefined ? String(c) : `${names[c]} (${c})`);
  const answers: [number, number][] = [];
  for (const m of matrices) {
    const outcome = callOn(fn, m);
    if ('error' in outcome) fail(`mostFrequentMistake threw "${outcome.error}" on a 10 × 10 matrix; it should work on any confusion matrix it is given.`);
    if (outcome.value === undefined) {
      fail('mostFrequentMistake gives no answer yet (undefined): write its body so that it returns { truth, predicted } for the matrix m it is given.');
    }
    const a = outcome.value as Partial<ConfusedPairAnswer> | undefined;
    if (typeof a !== 'object' || a === null || !Number.isInteger(a.truth) || !Number.isInteger(a.predicted)) {
      fail(`mostFrequentMistake returned ${JSON.stringify(outcome.value)}; it should return a pair of class numbers, { truth, predicted }: ` +
        'the row (true class) and the column (the class it is taken for) of one cell.');
    }
    const { truth, predicted } = a as ConfusedPairAnswer;
    if (truth < 0 || truth >= m.length || predicted < 0 || predicted >= m.length) {
      fail(`Classes are numbered 0 to ${m.length - 1}; mostFrequentMistake returned ${truth} and ${predicted}.`);
    }
    if (truth === predicted) {
      fail(`mostFrequentMistake returned { truth: ${truth}, predicted: ${predicted} }, a cell on the diagonal: those images were classified correctly. ` +
        'Confusions are the cells off the diagonal.');
    }
    answers.push([truth, predicted]);
  }
  const readings = matrices.map(pairReadings);
  const same = (a: [number, number], b: [number, number]): boolean => a[0] === b[0] && a[1] === b[1];
  const wrongAt = answers.findIndex((a, i) => !same(a, readings[i].largestMistake));
  if (wrongAt >= 0) {
    const method = Object.keys(PAIR_HINTS).find((key) => answers.every((a, i) =>
      same(a, readings[i][key]) || (key === 'largestBothWays' && same([a[1], a[0]], readings[i][key]))));
    const constant = answers.every((a) => same(a, answers[0]));
    const [t, p] = answers[wrongAt];
    const where = wrongAt === 0 ? `the model takes ${name(t)} for ${name(p)} ${own[t][p]} times, but another pair is confused more often`
      : `on another confusion matrix it gives { truth: ${t}, predicted: ${p} }, a cell of ${matrices[wrongAt][t][p]}, but the largest off the diagonal is ${
        readings[wrongAt].largestMistake.join(' → ')}`;
    fail(`mostFrequentMistake: ${where}. ` + (method !== undefined ? PAIR_HINTS[method]
      : constant ? 'It returns the same pair whatever the matrix: compute the answer from the matrix m it is given.'
        : 'Look for the largest count off the diagonal: compare every cell m[truth][predicted] with truth ≠ predicted.'));
  }
  const [truth, predicted] = answers[0];
  pass(`${name(truth)} taken for ${name(predicted)}: ${own[truth][predicted]} of the ${test.count} test images, the most frequent confusion; ` +
    `mostFrequentMistake also finds it on ${CONFUSED_PAIR_MATRICES.length} other matrices`);
}
