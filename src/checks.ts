/**
 * Autograded checks for the workbook's exercises. Each one looks at what a
 * student's cell produced: on a right answer it prints a short "✓" line, on
 * a wrong or missing one it throws a CheckFailed whose hint names the
 * concept to revisit, never the answer itself.
 */
import * as tf from '@tensorflow/tfjs';

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

function isSamples(value: unknown): value is { x: Float32Array; count: number; features: number } {
  return typeof value === 'object' && value !== null && (value as { x?: unknown }).x instanceof Float32Array;
}

/** Step 2: every pixel lies in [0, 1], and the image is not all zeros. */
export function checkNormalized(samples: unknown): void {
  if (!isSamples(samples)) fail('Step 2 needs the prepared samples (x as float32 values): use prepareSamples() on the images.');
  let max = 0;
  let min = Infinity;
  for (const v of samples.x) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (min < 0 || max > 1) {
    fail(`The pixel values range from ${min} to ${max}. Normalization should bring them into [0, 1]: ` +
      'think about the largest value a pixel can have.');
  }
  if (max === 0) fail('All pixel values are 0: the images were lost on the way. Normalize the pixels, do not erase them.');
  if (samples.features !== 784) {
    fail(`Each image is a row of ${samples.features} values; the Dense input layer needs each 28×28 image flattened into one row.`);
  }
  pass(`${samples.count} images, each a row of 784 values in [0, 1]`);
}

/** Question 3: the number of input values per image. */
export function checkInputsPerImage(answer: unknown): void {
  if (answer !== 28 * 28 * 1) {
    fail('Count the input values a Dense layer needs for one image: every pixel of the 28×28 grid, in every channel, is one input.');
  }
  pass('784 inputs per image');
}

/** Step 4: the course model's architecture and its parameter count. */
export function checkModel(model: unknown): void {
  if (!(model instanceof tf.LayersModel)) fail('Step 4 needs a model: build it with createModel().');
  const units = model.layers.map((l) => l.outputShape);
  if (model.countParams() !== 101770) {
    fail(`The model has ${model.countParams()} parameters. Each Dense neuron has one weight per input plus one bias: ` +
      'check the layer sizes 784 → 128 → 10.');
  }
  pass(`layers ${JSON.stringify(units)}, 101770 parameters`);
}

/** Step 7: each row of the confusion matrix holds all test images of one digit. */
export function checkConfusionMatrix(matrix: unknown, labels: ArrayLike<number>): void {
  if (!Array.isArray(matrix) || matrix.length !== 10 || !matrix.every((r) => Array.isArray(r) && r.length === 10)) {
    fail('The confusion matrix has one row per true digit and one column per predicted digit: 10 × 10 counts.');
  }
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const rows = (matrix as number[][]).map((r) => r.reduce((a, b) => a + b, 0));
  if (rows.some((n, d) => n !== counts[d])) {
    fail('A row of the confusion matrix should add up to the number of test images of that true digit; ' +
      'check which of the two label lists indexes the rows.');
  }
  pass('every row adds up to the number of test images of its digit');
}

/** Step 8: test image 0 was reshaped to (1, 784) and its digit read with argmax. */
export function checkFirstPrediction(prediction: unknown): void {
  const p = prediction as { digit?: unknown; probabilities?: unknown; inputShape?: unknown } | undefined;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.probabilities) || p.probabilities.length !== 10) {
    fail('The prediction should hold the 10 probabilities the model gives for test image 0: use predictDigit().');
  }
  if (JSON.stringify(p.inputShape) !== '[1,784]') fail('The model takes a batch of rows: reshape the one image to (1, 784).');
  const probabilities = p.probabilities as number[];
  const largest = probabilities.indexOf(Math.max(...probabilities));
  if (p.digit !== largest) fail('The predicted digit is the position of the largest of the 10 probabilities (argmax).');
  if (p.digit !== 7) fail(`The model predicts ${String(p.digit)} for test image 0; a trained model should read this digit correctly. Has it been trained?`);
  pass('test image 0 is a 7');
}

/** A placeholder for a value the student is to compute; every check refuses it. */
export function todo<T>(): T {
  return undefined as unknown as T;
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
